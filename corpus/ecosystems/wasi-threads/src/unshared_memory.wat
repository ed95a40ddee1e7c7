;; A module that spawns threads but imports an ordinary (not shared) memory: wasmtime's
;; wasi-threads linker refuses it ("memory was not shared").
(module
  (import "env" "memory" (memory 1 16))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32))
  (func (export "_start")
    (drop (call $spawn (i32.const 7)))))
