// The same Wasm API v2 function built for wasm32-wasi (a common mistake: Rust's wasm32-wasip1
// target): it logs through WASI stderr as well, so the module imports wasi_snapshot_preview1 beside
// the in-memory-I/O provider shopify_function_v2.
const std = @import("std");
extern "shopify_function_v2" fn _shopify_function_input_get() i64;
extern "shopify_function_v2" fn _shopify_function_input_get_val_len(value: i64) i32;
extern "shopify_function_v2" fn _shopify_function_output_new_array(len: i32) i32;
extern "shopify_function_v2" fn _shopify_function_output_new_i32(value: i32) i32;
extern "shopify_function_v2" fn _shopify_function_output_finish_array() i32;

pub fn main() void {
    const input = _shopify_function_input_get();
    const n = _shopify_function_input_get_val_len(input);
    const msg = "counted input entries\n";
    var written: usize = 0;
    _ = std.os.wasi.fd_write(2, &[_]std.os.wasi.ciovec_t{.{ .base = msg.ptr, .len = msg.len }}, 1, &written);
    _ = _shopify_function_output_new_array(1);
    _ = _shopify_function_output_new_i32(n);
    _ = _shopify_function_output_finish_array();
}
