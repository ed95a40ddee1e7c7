;; emscripten_like: the import shape of an Emscripten module linked without
;; -sWASM_BIGINT. i64 values are legalized into pairs of i32 (fd_seek takes
;; its 64-bit offset as two i32 halves, the high result word goes through
;; setTempRet0), C++ exceptions and longjmp go through JS invoke_* trampolines,
;; and memory and the indirect function table are imported from "env".
(module
  (type $v_i (func (param i32)))
  (type $i_ii (func (param i32 i32) (result i32)))

  (import "env" "memory" (memory $memory 256 256))
  (import "env" "__indirect_function_table" (table $__indirect_function_table 8 funcref))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "env" "invoke_vi" (func $invoke_vi (param i32 i32)))
  (import "env" "invoke_iii" (func $invoke_iii (param i32 i32 i32) (result i32)))
  (import "env" "emscripten_memcpy_big" (func $emscripten_memcpy_big (param i32 i32 i32)))
  (import "env" "emscripten_resize_heap" (func $emscripten_resize_heap (param i32) (result i32)))
  (import "env" "setTempRet0" (func $setTempRet0 (param i32)))
  (import "env" "getTempRet0" (func $getTempRet0 (result i32)))
  (import "env" "__cxa_throw" (func $__cxa_throw (param i32 i32 i32)))
  (import "env" "abort" (func $abort))

  (global $__stack_pointer (mut i32) (i32.const 5246240))

  (func $__wasm_call_ctors)

  (func $might_throw (type $v_i) (param $x i32)
    (if (i32.eqz (local.get $x))
      (then (call $__cxa_throw (i32.const 0) (i32.const 0) (i32.const 0)))))

  (func $add (type $i_ii) (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))

  ;; int main(void): call through the JS trampolines, like code compiled with
  ;; -fexceptions does around every call that may throw.
  (func $main (param $argc i32) (param $argv i32) (result i32)
    (call $invoke_vi (i32.const 1) (i32.const 42))
    (drop (call $invoke_iii (i32.const 2) (i32.const 40) (i32.const 2)))
    (call $emscripten_memcpy_big (i32.const 1024) (i32.const 2048) (i32.const 65536))
    (drop (call $fd_seek (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4096)))
    (drop (call $fd_write (i32.const 1) (i32.const 4096) (i32.const 1) (i32.const 4100)))
    (if (call $emscripten_resize_heap (i32.const 33554432)) (then (call $abort)))
    (drop (call $fd_close (i32.const 3)))
    (call $getTempRet0))

  ;; legalized i64 return: low word returned, high word via setTempRet0
  (func $file_size_legalized (param $fd i32) (result i32)
    (call $setTempRet0 (i32.const 0))
    (i32.const 4096))

  (func $stackSave (result i32) (global.get $__stack_pointer))
  (func $stackRestore (param i32) (global.set $__stack_pointer (local.get 0)))
  (func $stackAlloc (param i32) (result i32)
    (global.set $__stack_pointer
      (i32.and (i32.sub (global.get $__stack_pointer) (local.get 0)) (i32.const -16)))
    (global.get $__stack_pointer))
  (func $exit (param i32) (call $proc_exit (local.get 0)))

  (elem (table $__indirect_function_table) (i32.const 1) func $might_throw $add)

  (export "__wasm_call_ctors" (func $__wasm_call_ctors))
  (export "main" (func $main))
  (export "file_size" (func $file_size_legalized))
  (export "stackSave" (func $stackSave))
  (export "stackRestore" (func $stackRestore))
  (export "stackAlloc" (func $stackAlloc))
  (export "exit" (func $exit))
)
