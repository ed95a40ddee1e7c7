;; The shape of a JavaScript Function built by Javy as a dynamic module against Shopify's plugin
;; shopify_functions_javy_v4: it imports the plugin's memory, cabi_realloc and invoke, copies its
;; bytecode into the plugin's memory and invokes it. No WASI (the plugin does in-memory I/O).
(module
  (import "shopify_functions_javy_v4" "cabi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
  (import "shopify_functions_javy_v4" "invoke" (func $invoke (param i32 i32 i32 i32 i32)))
  (import "shopify_functions_javy_v4" "memory" (memory $plugin 0))
  (memory $own 1)
  (data (memory $own) (i32.const 0) "bytecode")
  (func (export "_start")
    (local $dst i32)
    (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (memory.copy $plugin $own (local.get $dst) (i32.const 0) (i32.const 8))
    (call $invoke (local.get $dst) (i32.const 8) (i32.const 0) (i32.const 0) (i32.const 0))))
