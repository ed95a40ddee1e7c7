// The counter as programs built before March 2024 wrote it: storage_store_bytes32, which Nitro
// replaced by storage_cache_bytes32 + storage_flush_cache. A Stylus program: a counter kept in storage slot 0. Calldata of one byte 0x01 increments it;
// anything else returns the current value. Written against Nitro's vm_hooks host functions.
extern "vm_hooks" fn read_args(dest: [*]u8) void;
extern "vm_hooks" fn write_result(data: [*]const u8, len: u32) void;
extern "vm_hooks" fn storage_load_bytes32(key: [*]const u8, dest: [*]u8) void;
extern "vm_hooks" fn storage_store_bytes32(key: [*]const u8, value: [*]const u8) void;
extern "vm_hooks" fn msg_reentrant() u32;
extern "vm_hooks" fn pay_for_memory_grow(pages: u16) void;

var args: [256]u8 = undefined;
var slot: [32]u8 = @splat(0);
var value: [32]u8 = undefined;

export fn mark_used() void {
    pay_for_memory_grow(0);
}

export fn user_entrypoint(len: u32) u32 {
    if (msg_reentrant() != 0) return 1;
    if (len > args.len) return 1;
    read_args(&args);
    storage_load_bytes32(&slot, &value);
    if (len == 1 and args[0] == 1) {
        var i: usize = 32;
        while (i > 0) {
            i -= 1;
            value[i] +%= 1;
            if (value[i] != 0) break;
        }
        storage_store_bytes32(&slot, &value);
    }
    write_result(&value, 32);
    return 0;
}
