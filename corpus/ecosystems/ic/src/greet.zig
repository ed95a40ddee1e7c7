// A minimal Internet Computer canister in Zig: `canister_query greet` replies with "Hello, " ++ argument bytes.
extern "ic0" fn msg_arg_data_size() u32;
extern "ic0" fn msg_arg_data_copy(dst: u32, offset: u32, size: u32) void;
extern "ic0" fn msg_reply_data_append(src: u32, size: u32) void;
extern "ic0" fn msg_reply() void;
extern "ic0" fn debug_print(src: u32, size: u32) void;
extern "ic0" fn time() u64;

var buf: [256]u8 = undefined;
var started: u64 = 0;

fn init() callconv(.c) void {
    started = time();
    const msg = "greet canister initialised";
    debug_print(@intCast(@intFromPtr(msg.ptr)), msg.len);
}

fn greet() callconv(.c) void {
    const prefix = "Hello, ";
    var n: u32 = msg_arg_data_size();
    if (n > buf.len) n = buf.len;
    msg_arg_data_copy(@intCast(@intFromPtr(&buf)), 0, n);
    msg_reply_data_append(@intCast(@intFromPtr(prefix.ptr)), prefix.len);
    msg_reply_data_append(@intCast(@intFromPtr(&buf)), n);
    msg_reply();
}

comptime {
    @export(&init, .{ .name = "canister_init" });
    @export(&greet, .{ .name = "canister_query greet" });
}
