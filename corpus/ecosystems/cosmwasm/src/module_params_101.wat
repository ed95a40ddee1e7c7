;; interface_version_8 contract with an (unused) function type of 101 i32 parameters: cosmwasm-vm 2.0+ allows
;; at most 100 per function type of the type section (50 in the 1.x lines from 1.2.8, 1.3.4, 1.4.2, 1.5.1).
(module
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (type (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (memory (export "memory") 17)
  (func $marker)
  (func $allocate (param i32) (result i32) i32.const 1024)
  (func $deallocate (param i32))
  (func $instantiate (param i32 i32 i32) (result i32) (call $db_read (local.get 0)))
  (export "interface_version_8" (func $marker))
  (export "allocate" (func $allocate))
  (export "deallocate" (func $deallocate))
  (export "instantiate" (func $instantiate)))
