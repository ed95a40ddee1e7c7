;; names: a module carrying a "name" custom section (module, function,
;; local and global names) and a "producers" custom section, plus one
;; unknown custom section. wasmtime.wat2wasm emits the name section from
;; the $identifiers and encodes the @producers annotation itself.
(module $mymod
  (@producers
    (language "wat" "1.0")
    (processed-by "wasmlint-corpus" "0.1.0")
    (processed-by "hand-written" "1"))
  (@custom "wasmlint.note" "corpus fixture: names.wat")
  (import "env" "report" (func $report (param $code i32)))
  (global $calls (mut i32) (i32.const 0))
  (func $foo (param $x i32) (result i32)
    (local $doubled i32)
    (local.set $doubled (i32.shl (local.get $x) (i32.const 1)))
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $report (local.get $doubled))
    (local.get $doubled))
  (func $bar (result i32)
    (call $foo (i32.const 21)))
  (export "foo" (func $foo))
  (export "answer" (func $bar))
)
