;; A JavaScript Function of the first generation: Javy dynamic module against the
;; javy_quickjs_provider_v1 provider, which does its I/O through WASI (so WASI is linked too).
(module
  (import "javy_quickjs_provider_v1" "canonical_abi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
  (import "javy_quickjs_provider_v1" "eval_bytecode" (func $eval (param i32 i32)))
  (import "javy_quickjs_provider_v1" "memory" (memory $plugin 0))
  (memory $own 1)
  (data (memory $own) (i32.const 0) "bytecode")
  (func (export "_start")
    (local $dst i32)
    (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (memory.copy $plugin $own (local.get $dst) (i32.const 0) (i32.const 8))
    (call $eval (local.get $dst) (i32.const 8))))
