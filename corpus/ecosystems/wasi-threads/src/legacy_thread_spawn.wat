;; A threaded WASI command that spawns its thread through the older name wasi.thread_spawn
;; (underscore), as early wasi-threads tests and toolchains did: wasmtime defines only
;; wasi.thread-spawn.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread_spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (i32.atomic.store (i32.const 0) (local.get $tid)))
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 7)) (i32.const 0)) (then (unreachable)))
    (call $exit (i32.const 0))))
