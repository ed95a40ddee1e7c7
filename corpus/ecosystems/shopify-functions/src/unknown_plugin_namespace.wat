;; A Javy dynamic module built against a plugin namespace that function-runner does not embed
;; (here a hypothetical javy_quickjs_provider_v4): every import is unknown to the host.
(module
  (import "javy_quickjs_provider_v4" "cabi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
  (import "javy_quickjs_provider_v4" "invoke" (func $invoke (param i32 i32 i32 i32 i32)))
  (import "javy_quickjs_provider_v4" "memory" (memory $plugin 0))
  (func (export "_start")
    (call $invoke (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 8) (i32.const 0) (i32.const 0) (i32.const 0))))
