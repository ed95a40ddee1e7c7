;; storage_read declared to return i32 (the host returns u64) and abort declared with i64 parameters (the host takes u32 x4).
(module
  (import "env" "storage_read" (func $storage_read (param i64 i64 i64) (result i32)))
  (import "env" "abort" (func $abort (param i64 i64 i64 i64)))
  (memory (export "memory") 1)
  (func $get (if (i32.eqz (call $storage_read (i64.const 5) (i64.const 0) (i64.const 0))) (then (call $abort (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))))
  (export "get" (func $get)))
