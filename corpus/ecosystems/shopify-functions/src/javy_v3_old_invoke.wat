;; A module generated for shopify_functions_javy_v2's invoke (4 parameters) but naming the _v3
;; plugin, whose invoke takes 5: the host's provider export has another type.
(module
  (import "shopify_functions_javy_v3" "cabi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
  (import "shopify_functions_javy_v3" "invoke" (func $invoke (param i32 i32 i32 i32)))
  (import "shopify_functions_javy_v3" "memory" (memory $plugin 0))
  (func (export "_start")
    (call $invoke (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 8) (i32.const 0) (i32.const 0))))
