// Sums 0..10000 on four WASI threads (std.Thread on wasm32-wasi with shared memory, which Zig implements
// with wasi-threads' wasi.thread-spawn) and prints the total.
const std = @import("std");

pub const panic = std.debug.no_panic;

var total = std.atomic.Value(u32).init(0);
var stacks: [4 * 1024 * 1024]u8 = undefined;

fn work(start: u32, end: u32) void {
    var s: u32 = 0;
    var i = start;
    while (i < end) : (i += 1) s +%= i;
    _ = total.fetchAdd(s, .monotonic);
}

pub fn main() !void {
    var fba = std.heap.FixedBufferAllocator.init(&stacks);
    const alloc = fba.threadSafeAllocator();
    var threads: [4]std.Thread = undefined;
    const n: u32 = 10_000;
    for (&threads, 0..) |*t, k| {
        t.* = try std.Thread.spawn(.{ .allocator = alloc, .stack_size = 256 * 1024 }, work, .{ @as(u32, @intCast(k)) * n / 4, @as(u32, @intCast(k + 1)) * n / 4 });
    }
    for (threads) |t| t.join();
    var buf: [64]u8 = undefined;
    const msg = try std.fmt.bufPrint(&buf, "{d}\n", .{total.load(.monotonic)});
    var written: usize = 0;
    _ = std.os.wasi.fd_write(1, &[_]std.os.wasi.ciovec_t{.{ .base = msg.ptr, .len = msg.len }}, 1, &written);
}
