// The same canister, but it logs with std.debug.print: built for wasm32-wasi this imports WASI (fd_write),
// which the Internet Computer does not provide.
const std = @import("std");
extern "ic0" fn msg_reply_data_append(src: u32, size: u32) void;
extern "ic0" fn msg_reply() void;

fn greet() callconv(.c) void {
    std.debug.print("greet called\n", .{});
    const msg = "Hello";
    msg_reply_data_append(@intCast(@intFromPtr(msg.ptr)), msg.len);
    msg_reply();
}

comptime {
    @export(&greet, .{ .name = "canister_query greet" });
}

pub fn main() void {}
