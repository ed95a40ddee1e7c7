;; A module that declares thread-spawn with 64-bit types, as a wasm64 build of wasi-libc's
;; size_t-typed declaration would: wasmtime's thread-spawn is (i32) -> i32.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i64) (result i64)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32))
  (func (export "_start")
    (drop (call $spawn (i64.const 7)))))
