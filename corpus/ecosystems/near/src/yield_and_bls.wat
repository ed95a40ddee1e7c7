;; A contract method using promise_yield_create (protocol 67 on) and bls12381_p1_sum (protocol 70 on).
(module
  (import "env" "promise_yield_create" (func $yield (param i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "bls12381_p1_sum" (func $p1_sum (param i64 i64 i64) (result i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "on_resume")
  (func $go
    (drop (call $p1_sum (i64.const 0) (i64.const 0) (i64.const 0)))
    (drop (call $yield (i64.const 9) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 1) (i64.const 0)))
    (call $value_return (i64.const 0) (i64.const 0)))
  (func $on_resume)
  (export "go" (func $go))
  (export "on_resume" (func $on_resume)))
