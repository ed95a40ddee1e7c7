// A Stylus program that forwards its calldata to another contract, with the gas argument of
// call_contract declared as u32 (Nitro's host takes a u64): an import type mismatch at activation.
extern "vm_hooks" fn read_args(dest: [*]u8) void;
extern "vm_hooks" fn write_result(data: [*]const u8, len: u32) void;
extern "vm_hooks" fn call_contract(contract: [*]const u8, calldata: [*]const u8, calldata_len: u32, value: [*]const u8, gas: u32, return_data_len: *u32) u8;
extern "vm_hooks" fn read_return_data(dest: [*]u8, offset: u32, size: u32) u32;

var args: [1024]u8 = undefined;
var out: [1024]u8 = undefined;
const zero: [32]u8 = @splat(0);

export fn user_entrypoint(len: u32) u32 {
    if (len < 20 or len > args.len) return 1;
    read_args(&args);
    var ret_len: u32 = 0;
    const status = call_contract(&args, args[20..].ptr, len - 20, &zero, 0xffffffff, &ret_len);
    const n = read_return_data(&out, 0, if (ret_len > out.len) out.len else ret_len);
    write_result(&out, n);
    return status;
}
