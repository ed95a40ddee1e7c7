;; A module that imports from two provider namespaces: function-runner links only the first in
;; import order (javy_quickjs_provider_v3); the shopify_function_v2 imports stay unsatisfied.
(module
  (import "javy_quickjs_provider_v3" "canonical_abi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
  (import "javy_quickjs_provider_v3" "eval_bytecode" (func $eval (param i32 i32)))
  (import "javy_quickjs_provider_v3" "memory" (memory $plugin 0))
  (import "shopify_function_v2" "_shopify_function_input_get" (func $input_get (result i64)))
  (func (export "_start")
    (drop (call $input_get))
    (call $eval (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 8))))
