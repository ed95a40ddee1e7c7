// The same Wasm API v2 function written against the guest-facing API names (shopify_function.wat)
// and not run through the trampoline: the host's provider exports none of these names.
extern "shopify_function_v2" fn shopify_function_input_get() i64;
extern "shopify_function_v2" fn shopify_function_input_get_val_len(value: i64) i32;
extern "shopify_function_v2" fn shopify_function_output_new_array(len: i32) i32;
extern "shopify_function_v2" fn shopify_function_output_new_i32(value: i32) i32;
extern "shopify_function_v2" fn shopify_function_output_finish_array() i32;

export fn _start() void {
    const input = shopify_function_input_get();
    const n = shopify_function_input_get_val_len(input);
    _ = shopify_function_output_new_array(1);
    _ = shopify_function_output_new_i32(n);
    _ = shopify_function_output_finish_array();
}
