;; gc_types: the GC proposal's type system at the import/export boundary.
;; Recursive type groups, sub/final declarations, struct and array types,
;; every abstract heap type (any, eq, i31, struct, array, none, nofunc,
;; noextern, exn, func, extern) in nullable and non-nullable references,
;; constant init exprs that allocate, and a 64-bit table.
(module
  ;; a recursive group: a list node pointing at itself and at a byte array
  (rec
    (type $node (sub (struct (field $value (mut i32)) (field $next (ref null $node)) (field $bytes (ref null $bytes)))))
    (type $bytes (array (mut i8))))
  ;; an open base type and a final subtype
  (type $point (sub (struct (field $x f64) (field $y f64))))
  (type $point3 (sub final $point (struct (field $x f64) (field $y f64) (field $z f64))))
  (type $ints (array i32))
  (type $vec (sub (array (mut f32))))
  (type $cb (func (param (ref $point)) (result f64)))

  ;; ---- imports with concrete and abstract reference types
  (import "gc" "make_point" (func $make_point (param f64 f64) (result (ref $point))))
  (import "gc" "sum_ints" (func $sum_ints (param (ref null $ints)) (result i32)))
  (import "gc" "visit" (func $visit (param (ref $node) (ref null $bytes))))
  (import "gc" "abstract" (func $abstract
    (param anyref eqref i31ref structref arrayref)
    (result nullref)))
  (import "gc" "bottoms" (func $bottoms (param nullfuncref nullexternref) (result exnref)))
  (import "gc" "non_null" (func $non_null (param (ref func) (ref null extern) (ref any) (ref i31))))
  (import "gc" "callback" (func $callback (param (ref null $cb))))
  (import "gc" "origin" (global $origin (ref null $point)))
  (import "gc" "slot" (global $slot (mut anyref)))
  (import "gc" "objects" (table $objects 4 anyref))

  ;; ---- definitions
  (global $empty (ref null $node) (ref.null $node))
  (global $zero (ref $point) (struct.new_default $point))
  (global $one i31ref (ref.i31 (i32.const 1)))
  (global $three_ints (ref $ints) (array.new_fixed $ints 3 (i32.const 1) (i32.const 2) (i32.const 3)))
  (global $p3 (ref null $point) (struct.new $point3 (f64.const 1) (f64.const 2) (f64.const 3)))
  (global $noext nullexternref (ref.null noextern))
  (table $t64 i64 1 funcref)
  (table $structs 2 (ref null struct))

  (func $norm (type $cb)
    (f64.add
      (struct.get $point $x (local.get 0))
      (struct.get $point $y (local.get 0))))

  (func $length (param $n (ref null $node)) (result i32)
    (local $count i32)
    (block $done
      (loop $next
        (br_if $done (ref.is_null (local.get $n)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $n (struct.get $node $next (local.get $n)))
        (br $next)))
    (local.get $count))

  (func $as_i31 (param $x anyref) (result i32)
    (i31.get_s (ref.cast i31ref (local.get $x))))

  (func $new_vec (param $n i32) (result (ref $vec))
    (array.new_default $vec (local.get $n)))

  (func $use (param $p (ref $point)) (result f64)
    (drop (call $sum_ints (global.get $three_ints)))
    (call $norm (local.get $p)))

  (elem (table $t64) (i64.const 0) func $norm)

  ;; ---- exports
  (export "norm" (func $norm))
  (export "length" (func $length))
  (export "as_i31" (func $as_i31))
  (export "new_vec" (func $new_vec))
  (export "use" (func $use))
  (export "make_point" (func $make_point))
  (export "empty" (global $empty))
  (export "zero" (global $zero))
  (export "one" (global $one))
  (export "three_ints" (global $three_ints))
  (export "p3" (global $p3))
  (export "noext" (global $noext))
  (export "t64" (table $t64))
  (export "structs" (table $structs))
  (export "objects" (table $objects))
)
