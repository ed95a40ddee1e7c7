;; A cosmwasm-std 0.11-0.13 style contract: marker cosmwasm_vm_version_4, entry points init/handle/query,
;; and the old address imports canonicalize_address/humanize_address that VMs from 0.14 on do not link.
(module
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (import "env" "canonicalize_address" (func $canon (param i32 i32) (result i32)))
  (import "env" "humanize_address" (func $human (param i32 i32) (result i32)))
  (memory (export "memory") 17)
  (func $marker)
  (func $allocate (param i32) (result i32) i32.const 1024)
  (func $deallocate (param i32))
  (func $init (param i32 i32) (result i32) (call $canon (local.get 0) (local.get 1)))
  (func $handle (param i32 i32) (result i32) (call $human (local.get 0) (local.get 1)))
  (func $query (param i32 i32) (result i32) (call $db_read (local.get 0)))
  (export "cosmwasm_vm_version_4" (func $marker))
  (export "allocate" (func $allocate))
  (export "deallocate" (func $deallocate))
  (export "init" (func $init))
  (export "handle" (func $handle))
  (export "query" (func $query)))
