;; A Wasm API v1 module (trampolined names, WASI allowed) whose input calls use the v2 types
;; (no context handle): the shopify_function_v1 provider exports them with a leading i32 context.
(module
  (import "shopify_function_v1" "_shopify_function_context_new" (func $ctx (result i32)))
  (import "shopify_function_v1" "_shopify_function_input_get" (func $input_get (result i64)))
  (import "shopify_function_v1" "_shopify_function_input_get_val_len" (func $val_len (param i64) (result i32)))
  (import "shopify_function_v1" "_shopify_function_output_finalize" (func $finalize (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $c i32)
    (local.set $c (call $ctx))
    (drop (call $val_len (call $input_get)))
    (drop (call $finalize (local.get $c)))))
