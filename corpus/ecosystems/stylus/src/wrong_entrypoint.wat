;; A program whose entry point has the wrong type ((i64) -> i64, the host wants (i32) -> i32) and
;; which does not export its memory: activation fails.
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory 1)
  (func (export "user_entrypoint") (param $len i64) (result i64)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (i32.wrap_i64 (local.get $len)))
    (i64.const 0)))
