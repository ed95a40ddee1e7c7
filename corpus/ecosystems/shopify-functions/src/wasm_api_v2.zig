// A Shopify Function for the in-memory Wasm API v2, written against the names the host's
// shopify_function_v2 provider exports (what the trampoline produces): it answers with an array
// holding the number of entries of its input's root value.
extern "shopify_function_v2" fn _shopify_function_input_get() i64;
extern "shopify_function_v2" fn _shopify_function_input_get_val_len(value: i64) i32;
extern "shopify_function_v2" fn _shopify_function_output_new_array(len: i32) i32;
extern "shopify_function_v2" fn _shopify_function_output_new_i32(value: i32) i32;
extern "shopify_function_v2" fn _shopify_function_output_finish_array() i32;

export fn _start() void {
    const input = _shopify_function_input_get();
    const n = _shopify_function_input_get_val_len(input);
    _ = _shopify_function_output_new_array(1);
    _ = _shopify_function_output_new_i32(n);
    _ = _shopify_function_output_finish_array();
}
