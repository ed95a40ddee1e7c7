;; simd: v128 at the boundary - imported and exported functions taking and
;; returning v128, an imported v128 global and defined v128.const globals.
(module
  (import "simd" "dot4" (func $dot4 (param v128 v128) (result f32)))
  (import "simd" "splat_mul" (func $splat_mul (param v128 f32) (result v128)))
  (import "simd" "swizzle3" (func $swizzle3 (param v128 v128 v128) (result v128 v128)))
  (import "simd" "bias" (global $bias v128))
  (import "simd" "acc" (global $acc (mut v128)))

  (memory (export "memory") 1)
  (global $ones (export "ones") v128 (v128.const i32x4 1 1 1 1))
  (global $half (export "half") v128 (v128.const f32x4 0.5 0.5 0.5 0.5))
  (global $state (export "state") (mut v128) (v128.const i64x2 0 -1))

  (func (export "add_i32x4") (param $a v128) (param $b v128) (result v128)
    (i32x4.add (local.get $a) (local.get $b)))

  (func (export "scale") (param $v v128) (param $k f32) (result v128)
    (f32x4.add (call $splat_mul (local.get $v) (local.get $k)) (global.get $bias)))

  (func (export "norm2") (param $v v128) (result f32)
    (call $dot4 (local.get $v) (local.get $v)))

  (func (export "load_splat") (param $p i32) (result v128)
    (v128.load32_splat (local.get $p)))

  (func (export "shuffle") (param $a v128) (param $b v128) (result v128)
    (local $x v128)
    (local.set $x (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
    (global.set $acc (v128.xor (global.get $acc) (local.get $x)))
    (drop (drop (call $swizzle3 (local.get $x) (global.get $ones) (global.get $half))))
    (local.get $x))
)
