;; interface_version_8 contract whose imports have the right names but wrong types:
;; db_read with two parameters (the VM's takes one) and secp256k1_recover_pubkey returning i32 (the VM returns i64).
(module
  (import "env" "db_read" (func $db_read (param i32 i32) (result i32)))
  (import "env" "secp256k1_recover_pubkey" (func $recover (param i32 i32 i32) (result i32)))
  (memory (export "memory") 17)
  (func $marker)
  (func $allocate (param i32) (result i32) i32.const 1024)
  (func $deallocate (param i32))
  (func $instantiate (param i32 i32 i32) (result i32) (call $recover (local.get 0) (local.get 1) (local.get 2)))
  (func $query (param i32 i32) (result i32) (call $db_read (local.get 0) (local.get 1)))
  (export "interface_version_8" (func $marker))
  (export "allocate" (func $allocate))
  (export "deallocate" (func $deallocate))
  (export "instantiate" (func $instantiate))
  (export "query" (func $query)))
