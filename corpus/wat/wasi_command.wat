;; wasi_command: a WASI preview 1 command. It imports a handful of
;; wasi_snapshot_preview1 functions with their exact signatures and exports
;; _start and memory. _start writes "hello from wasi_command\n" to stdout.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))

  (memory (export "memory") 1)
  ;; iovec at 0: {buf = 16, len = 24}; message at 16
  (data (i32.const 0) "\10\00\00\00\18\00\00\00")
  (data (i32.const 16) "hello from wasi_command\0a")

  (func $main (result i32)
    (drop (call $args_sizes_get (i32.const 64) (i32.const 68)))
    (if (i32.gt_u (i32.load (i32.const 64)) (i32.const 8)) (then (return (i32.const 2))))
    (drop (call $args_get (i32.const 128) (i32.const 256)))
    (drop (call $environ_sizes_get (i32.const 72) (i32.const 76)))
    (drop (call $clock_time_get (i32.const 0) (i64.const 1000) (i32.const 80)))
    (drop (call $random_get (i32.const 88) (i32.const 8)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 96)))
    (if (i32.eqz (i32.load (i32.const 96)))
      (then
        ;; fallback path never taken on a working host
        (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 4)
                               (i32.const 0) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 100)))
        (drop (call $fd_seek (i32.load (i32.const 100)) (i64.const 0) (i32.const 2) (i32.const 104)))
        (drop (call $fd_close (i32.load (i32.const 100))))))
    (i32.const 0))

  (func (export "_start")
    (local $code i32)
    (local.set $code (call $main))
    (if (local.get $code) (then (call $proc_exit (local.get $code)))))
)
