;; A Stylus program that logs through console.log_txt: linked only on a debug chain (debug_funcs);
;; activation on Arbitrum One or Nova fails.
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "console" "log_txt" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 512) "entry")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $log (i32.const 512) (i32.const 5))
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0)))
