;; Uses promise_batch_action_transfer_to_gas_key (GasKeys, protocol 85).
(module
  (import "env" "promise_batch_create" (func $create (param i64 i64) (result i64)))
  (import "env" "promise_batch_action_transfer_to_gas_key" (func $to_gas_key (param i64 i64 i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "alice.near")
  (func $fund (call $to_gas_key (call $create (i64.const 10) (i64.const 0)) (i64.const 32) (i64.const 64) (i64.const 128)))
  (export "fund" (func $fund)))
