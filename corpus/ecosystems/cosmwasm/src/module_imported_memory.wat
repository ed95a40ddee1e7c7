;; interface_version_8 contract that imports its memory (env.memory) instead of defining it: cosmwasm-vm counts
;; only the memories a contract defines (none here) and links function imports only.
(module
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (import "env" "memory" (memory 17))
  (func $marker)
  (func $allocate (param i32) (result i32) i32.const 1024)
  (func $deallocate (param i32))
  (func $instantiate (param i32 i32 i32) (result i32) (call $db_read (local.get 0)))
  (export "interface_version_8" (func $marker))
  (export "allocate" (func $allocate))
  (export "deallocate" (func $deallocate))
  (export "instantiate" (func $instantiate)))
