;; A Wasm API v1 module as the v1 trampoline leaves it: provider names with the context handle,
;; plus WASI (allowed with shopify_function_v1, which does its I/O through WASI).
(module
  (import "shopify_function_v1" "_shopify_function_context_new" (func $ctx (result i32)))
  (import "shopify_function_v1" "_shopify_function_input_get" (func $input_get (param i32) (result i64)))
  (import "shopify_function_v1" "_shopify_function_input_get_val_len" (func $val_len (param i32 i64) (result i32)))
  (import "shopify_function_v1" "_shopify_function_output_new_i32" (func $new_i32 (param i32 i32) (result i32)))
  (import "shopify_function_v1" "_shopify_function_output_finalize" (func $finalize (param i32) (result i32)))
  (import "shopify_function_v1" "memory" (memory $provider 0))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory $own (export "memory") 1)
  (func (export "_start")
    (local $c i32)
    (local.set $c (call $ctx))
    (drop (call $new_i32 (local.get $c) (call $val_len (local.get $c) (call $input_get (local.get $c)))))
    (drop (call $finalize (local.get $c)))))
