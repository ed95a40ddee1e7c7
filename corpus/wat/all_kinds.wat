;; all_kinds: every import kind and every export kind in one module.
;; Imports: functions of several signatures (none, multi-value results,
;; mixed numeric types), tables (funcref, externref), memories (no max,
;; with max, shared, memory64), globals (const and mut, i32/i64/f32/f64/
;; funcref/externref) and an exception tag.
;; Definitions: a function, table, memory, global with init exprs
;; (including extended-const), a start function, data and elem segments.
(module
  ;; ---- function imports
  (import "env" "nop" (func $nop))
  (import "env" "log_i32" (func $log_i32 (param i32)))
  (import "env" "add_i64" (func $add_i64 (param i64 i64) (result i64)))
  (import "env" "mix" (func $mix (param i32 i64 f32 f64) (result f64)))
  (import "env" "divmod" (func $divmod (param i32 i32) (result i32 i32)))
  (import "env" "triple" (func $triple (result f32 i64 externref)))
  (import "env" "take_refs" (func $take_refs (param funcref externref)))

  ;; ---- table imports
  (import "env" "ftable" (table $ftable 2 funcref))
  (import "env" "etable" (table $etable 1 16 externref))

  ;; ---- memory imports
  (import "env" "mem_nomax" (memory $mem_nomax 1))
  (import "env" "mem_max" (memory $mem_max 1 2))
  (import "env" "mem_shared" (memory $mem_shared 1 4 shared))
  (import "env" "mem64" (memory $mem64 i64 1))

  ;; ---- global imports
  (import "env" "g_i32" (global $g_i32 i32))
  (import "env" "g_i64_mut" (global $g_i64_mut (mut i64)))
  (import "env" "g_f32" (global $g_f32 f32))
  (import "env" "g_f64_mut" (global $g_f64_mut (mut f64)))
  (import "env" "g_funcref" (global $g_funcref funcref))
  (import "env" "g_externref_mut" (global $g_externref_mut (mut externref)))

  ;; ---- tag import
  (import "env" "err" (tag $err (param i32)))

  ;; ---- definitions
  (type $binop (func (param i32 i32) (result i32)))
  (table $tbl 4 8 funcref)
  (memory $mem 1 16)
  (global $counter (mut i32) (i32.const 0))
  (global $three i32 (i32.add (i32.const 1) (i32.const 2)))
  (global $base i64 (i64.mul (i64.const 4) (i64.const 1024)))
  (global $pi f64 (f64.const 3.141592653589793))
  (global $fref funcref (ref.func $add))
  (global $copy_of_import i32 (global.get $g_i32))
  (tag $local_tag (param i64 f64))

  (func $add (type $binop)
    local.get 0
    local.get 1
    i32.add)

  (func $init
    (global.set $counter (global.get $three))
    (call $log_i32 (global.get $counter)))

  (func $use_imports (param $x i32) (result i32)
    call $nop
    (drop (call $add_i64 (i64.const 1) (i64.const 2)))
    (drop (call $mix (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4)))
    (drop (drop (call $divmod (local.get $x) (i32.const 3))))
    (drop (drop (drop (call $triple))))
    (call $take_refs (ref.null func) (ref.null extern))
    (i32.load (local.get $x)))

  (start $init)

  (data (memory $mem) (i32.const 16) "all_kinds\00")
  (data $passive "passive bytes")
  (elem (table $tbl) (i32.const 0) func $add $init)
  (elem $declared declare func $use_imports)

  ;; ---- exports of every kind
  (export "add" (func $add))
  (export "use_imports" (func $use_imports))
  (export "reexport_nop" (func $nop))
  (export "table" (table $tbl))
  (export "imported_table" (table $etable))
  (export "memory" (memory $mem))
  (export "memory_shared" (memory $mem_shared))
  (export "counter" (global $counter))
  (export "three" (global $three))
  (export "pi" (global $pi))
  (export "tag" (tag $local_tag))
  (export "imported_tag" (tag $err))
)
