;; interface_version_8 contract whose memory has a maximum (17 pages initial, 32 maximum): cosmwasm-vm
;; refuses any memory maximum (check_wasm_memories).
(module
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (memory (export "memory") 17 32)
  (func $marker)
  (func $allocate (param i32) (result i32) i32.const 1024)
  (func $deallocate (param i32))
  (func $instantiate (param i32 i32 i32) (result i32) (call $db_read (local.get 0)))
  (export "interface_version_8" (func $marker))
  (export "allocate" (func $allocate))
  (export "deallocate" (func $deallocate))
  (export "instantiate" (func $instantiate)))
