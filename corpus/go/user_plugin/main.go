// user_plugin is an Extism-style plugin whose custom host functions live in
// the default user namespace "extism:host/user". Its imports cover the
// scalar types go:wasmimport accepts: int32/uint32 (i32), int64/uint64 (i64),
// float32 (f32), float64 (f64) and unsafe.Pointer (i32), with zero, one or
// several parameters and zero or one result. Its exports take parameters too.
//
// Build (reactor):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false -o ../user_plugin.wasm .
package main

import "unsafe"

// Extism kernel (extism:host/env), exact signatures.

//go:wasmimport extism:host/env input_length
func extismInputLength() uint64

//go:wasmimport extism:host/env input_load_u8
func extismInputLoadU8(offset uint64) uint32

//go:wasmimport extism:host/env alloc
func extismAlloc(length uint64) uint64

//go:wasmimport extism:host/env store_u8
func extismStoreU8(offset uint64, value uint32)

//go:wasmimport extism:host/env output_set
func extismOutputSet(offset, length uint64)

//go:wasmimport extism:host/env free
func extismFree(offset uint64)

// User host functions (extism:host/user).

// kv_get: (i64) -> i64
//
//go:wasmimport extism:host/user kv_get
func kvGet(key uint64) uint64

// kv_set: (i64, i64) -> ()
//
//go:wasmimport extism:host/user kv_set
func kvSet(key, value uint64)

// metric_observe: (i32, f64) -> ()
//
//go:wasmimport extism:host/user metric_observe
func metricObserve(id int32, value float64)

// scale: (f32, f64, i32) -> f64
//
//go:wasmimport extism:host/user scale
func scale(factor float32, value float64, mode uint32) float64

// fill_random: (i32 pointer, i32) -> i32
//
//go:wasmimport extism:host/user fill_random
func fillRandom(buf unsafe.Pointer, n int32) int32

// now_ms: () -> i64
//
//go:wasmimport extism:host/user now_ms
func nowMS() int64

// ratio: (i64, i64) -> f32
//
//go:wasmimport extism:host/user ratio
func ratio(a, b int64) float32

func store(b []byte) uint64 {
	h := extismAlloc(uint64(len(b)))
	for i, c := range b {
		extismStoreU8(h+uint64(i), uint32(c))
	}
	return h
}

func input() []byte {
	n := extismInputLength()
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(extismInputLoadU8(uint64(i)))
	}
	return b
}

// get looks the input up as a key and outputs the value handle's bytes.
//
//go:wasmexport get
func get() int32 {
	key := store(input())
	v := kvGet(key)
	extismFree(key)
	if v == 0 {
		return 1
	}
	extismOutputSet(v, 8)
	return 0
}

// put stores the input under a fixed key.
//
//go:wasmexport put
func put() int32 {
	kvSet(store([]byte("last")), store(input()))
	return 0
}

// observe: (i32, f64) -> f64
//
//go:wasmexport observe
func observe(id int32, value float64) float64 {
	metricObserve(id, value)
	return scale(1.5, value, uint32(id))
}

// entropy: (i32) -> i64
//
//go:wasmexport entropy
func entropy(n int32) int64 {
	var buf [64]byte
	if n > int32(len(buf)) {
		n = int32(len(buf))
	}
	got := fillRandom(unsafe.Pointer(&buf[0]), n)
	var sum int64
	for _, c := range buf[:got] {
		sum += int64(c)
	}
	return sum + nowMS()
}

// share: (i64, i64) -> f32
//
//go:wasmexport share
func share(part, total int64) float32 {
	return ratio(part, total)
}

func main() {}
