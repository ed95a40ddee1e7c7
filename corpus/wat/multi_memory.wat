;; multi_memory: several imported and defined memories, exported under
;; several names (including re-exports of imports), with loads, stores,
;; memory.copy and data segments that name a memory other than 0.
(module
  (import "env" "memory" (memory $env_mem 1))
  (import "io" "input" (memory $input 1 1))
  (import "io" "output" (memory $output 0 64))
  (import "big" "heap64" (memory $heap64 i64 1 1024))

  (memory $scratch 2 2)
  (memory $strings (export "strings") 1)

  (data (memory $strings) (i32.const 0) "hello\00world\00")
  (data (memory $scratch) (i32.const 8) "\01\02\03\04")

  (func (export "copy_in_out") (param $n i32)
    (memory.copy $output $input (i32.const 0) (i32.const 0) (local.get $n)))

  (func (export "sum3") (param $p i32) (result i32)
    (i32.add
      (i32.add (i32.load $env_mem (local.get $p)) (i32.load $scratch (local.get $p)))
      (i32.load8_u $strings (local.get $p))))

  (func (export "poke64") (param $addr i64) (param $v i64)
    (i64.store $heap64 (local.get $addr) (local.get $v)))

  (func (export "grow_output") (param $pages i32) (result i32)
    (memory.grow $output (local.get $pages)))

  (export "scratch" (memory $scratch))
  (export "env_memory" (memory $env_mem))
  (export "heap64" (memory $heap64))
)
