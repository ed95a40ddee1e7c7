// ws_plugin is an Extism-style plugin written against the raw Extism kernel
// ABI (no PDK) that also imports custom host functions from the "env"
// namespace. It reproduces a real-world load failure: a host that only
// provides the Extism kernel, or that registers some of the custom functions
// under "extism:host/user" instead of "env", cannot instantiate it.
//
// Build (reactor):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false -o ../ws_plugin.wasm .
package main

// Extism kernel, exact signatures of extism:host/env.

//go:wasmimport extism:host/env input_length
func extismInputLength() uint64

//go:wasmimport extism:host/env input_load_u8
func extismInputLoadU8(offset uint64) uint32

//go:wasmimport extism:host/env output_set
func extismOutputSet(offset, length uint64)

//go:wasmimport extism:host/env alloc
func extismAlloc(length uint64) uint64

//go:wasmimport extism:host/env store_u8
func extismStoreU8(offset uint64, value uint32)

//go:wasmimport extism:host/env length
func extismLength(offset uint64) uint64

//go:wasmimport extism:host/env load_u8
func extismLoadU8(offset uint64) uint32

// Custom host functions, all (i64) -> i64: an Extism memory handle in, a
// handle (or status) out.

//go:wasmimport env log_record
func hostLogRecord(msg uint64) uint64

//go:wasmimport env http_request
func hostHTTPRequest(req uint64) uint64

//go:wasmimport env ws_connect
func hostWSConnect(url uint64) uint64

//go:wasmimport env ws_send
func hostWSSend(frame uint64) uint64

//go:wasmimport env ws_receive
func hostWSReceive(conn uint64) uint64

//go:wasmimport env ws_close
func hostWSClose(conn uint64) uint64

//go:wasmimport env publish_stream_data
func hostPublishStreamData(data uint64) uint64

// store copies b into a fresh block of Extism memory and returns its handle.
func store(b []byte) uint64 {
	h := extismAlloc(uint64(len(b)))
	for i, c := range b {
		extismStoreU8(h+uint64(i), uint32(c))
	}
	return h
}

// load copies the Extism memory block h into Go memory.
func load(h uint64) []byte {
	n := extismLength(h)
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(extismLoadU8(h + uint64(i)))
	}
	return b
}

func input() []byte {
	n := extismInputLength()
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(extismInputLoadU8(uint64(i)))
	}
	return b
}

func output(b []byte) {
	h := store(b)
	extismOutputSet(h, uint64(len(b)))
}

const metaJSON = `{"name":"ws_plugin","version":"1.0.0","streams":["ticker"]}`

// meta only logs and describes the plugin: it must keep working on a host
// that stubs out the websocket functions.
//
//go:wasmexport meta
func meta() int32 {
	hostLogRecord(store([]byte("meta called")))
	output([]byte(metaJSON))
	return 0
}

// run connects to the URL given as input, exchanges one frame and publishes
// what it received.
//
//go:wasmexport run
func run() int32 {
	url := input()
	hostLogRecord(store([]byte("run: connecting")))
	conn := hostWSConnect(store(url))
	if conn == 0 {
		return 1
	}
	hostWSSend(store([]byte(`{"op":"subscribe","channel":"ticker"}`)))
	frame := hostWSReceive(conn)
	hostPublishStreamData(frame)
	hostWSClose(conn)
	status := hostHTTPRequest(store([]byte(`{"method":"POST","url":"/ack"}`)))
	output(append(load(frame), byte(status)))
	return 0
}

func main() {}
