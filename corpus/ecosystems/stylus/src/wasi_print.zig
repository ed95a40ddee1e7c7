// A Stylus program built for wasm32-wasi (a common mistake): std.debug.print pulls in WASI
// imports, which Nitro does not link.
const std = @import("std");
extern "vm_hooks" fn read_args(dest: [*]u8) void;
extern "vm_hooks" fn write_result(data: [*]const u8, len: u32) void;

var args: [256]u8 = undefined;

export fn user_entrypoint(len: u32) u32 {
    if (len > args.len) return 1;
    read_args(&args);
    std.debug.print("called with {d} bytes\n", .{len});
    write_result(&args, len);
    return 0;
}
