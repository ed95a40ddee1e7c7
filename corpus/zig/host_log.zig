//! host_log: a freestanding Zig module that calls back into its host.
//! Imports from "env": host_log(ptr, len) -> (), host_now() -> i64,
//! host_fill(ptr, len) -> i32, host_metric(f64) -> (). Exports greet, add,
//! checksum, alloc_buf and memory.
extern "env" fn host_log(ptr: [*]const u8, len: usize) void;
extern "env" fn host_now() u64;
extern "env" fn host_fill(ptr: [*]u8, len: usize) i32;
extern "env" fn host_metric(value: f64) void;

var buffer: [256]u8 = undefined;

fn log(msg: []const u8) void {
    host_log(msg.ptr, msg.len);
}

/// Logs a greeting and returns the number of bytes logged.
export fn greet() i32 {
    const msg = "hello from zig";
    log(msg);
    return msg.len;
}

export fn add(a: i32, b: i32) i32 {
    return a +% b;
}

/// Asks the host for `len` bytes and returns their sum plus the time.
export fn checksum(len: usize) u64 {
    const n: usize = @min(len, buffer.len);
    const got = host_fill(&buffer, n);
    if (got < 0) return 0;
    var sum: u64 = 0;
    for (buffer[0..@intCast(got)]) |b| sum +%= b;
    host_metric(@floatFromInt(sum));
    return sum +% host_now();
}

/// Returns a pointer into the static buffer for the host to write into.
export fn alloc_buf() [*]u8 {
    return &buffer;
}
