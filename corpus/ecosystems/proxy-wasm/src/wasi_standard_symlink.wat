;; A 0.2.1 filter importing wasi_snapshot_preview1.path_symlink and path_link with their standard
;; preview1 types (5 and 7 parameters). Envoy before 1.39 has neither; 1.39's host declares 4 and 6
;; parameters, so the module is refused there too, with an import type mismatch.
(module
  (import "wasi_snapshot_preview1" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "malloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $p))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32)
    (drop (call $symlink (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 0) (i32.const 0)))
    (drop (call $link (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 0) (i32.const 0)))
    (i32.const 1)))
