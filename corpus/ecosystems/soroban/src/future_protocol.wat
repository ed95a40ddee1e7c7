;; A contract declaring protocol 99, newer than any host.
(module
  (import "l" "1" (func $get_contract_data (param i64 i64) (result i64)))
  (import "l" "_" (func $put_contract_data (param i64 i64 i64) (result i64)))
  (import "l" "0" (func $has_contract_data (param i64 i64) (result i64)))
  (import "x" "1" (func $contract_event (param i64 i64) (result i64)))

  (memory (export "memory") 17)
  ;; increment(): reads the counter under a Symbol key, adds one, stores it with instance durability, returns it.
  (func $increment (export "increment") (result i64)
    (local $v i64)
    (local.set $v (i64.const 4))
    (if (i64.ne (call $has_contract_data (i64.const 0x000000434f554e54) (i64.const 0x0000000000000204)) (i64.const 0))
      (then (local.set $v (call $get_contract_data (i64.const 0x000000434f554e54) (i64.const 0x0000000000000204)))))
    (local.set $v (i64.add (local.get $v) (i64.const 0x100)))
    (drop (call $put_contract_data (i64.const 0x000000434f554e54) (local.get $v) (i64.const 0x0000000000000204)))

    (local.get $v))
  (func (export "_"))
  (@custom "contractenvmetav0" "\00\00\00\00\00\00\00\63\00\00\00\00"))
