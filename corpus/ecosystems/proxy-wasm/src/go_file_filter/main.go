// A proxy-wasm HTTP filter written against the ABI directly (no SDK): it reads a deny list from a
// preopened file at start and logs each request's path. Built with the standard Go toolchain for wasip1 as a reactor.
package main

import (
	"strconv"
	"syscall"
	"unsafe"
)

//go:wasmimport env proxy_log
func proxyLog(level uint32, msg unsafe.Pointer, size uint32) uint32

//go:wasmimport env proxy_get_header_map_value
func proxyGetHeaderMapValue(mapType uint32, key unsafe.Pointer, keySize uint32, value unsafe.Pointer, valueSize unsafe.Pointer) uint32

//go:wasmimport env proxy_add_header_map_value
func proxyAddHeaderMapValue(mapType uint32, key unsafe.Pointer, keySize uint32, value unsafe.Pointer, valueSize uint32) uint32

//go:wasmimport env proxy_get_log_level
func proxyGetLogLevel(level unsafe.Pointer) uint32

var buffers = map[uint32][]byte{}

func logs(msg string) {
	s := []byte(msg)
	if len(s) == 0 {
		return
	}
	proxyLog(2, unsafe.Pointer(&s[0]), uint32(len(s)))
}

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

//go:wasmexport proxy_on_memory_allocate
func onMemoryAllocate(size uint32) uint32 {
	b := make([]byte, size+1)
	p := uint32(uintptr(unsafe.Pointer(&b[0])))
	buffers[p] = b
	return p
}

//go:wasmexport proxy_on_context_create
func onContextCreate(contextID uint32, rootContextID uint32) {}

//go:wasmexport proxy_on_vm_start
func onVMStart(rootContextID uint32, configSize uint32) uint32 {
	var level uint32
	proxyGetLogLevel(unsafe.Pointer(&level))
	logs("go filter started, log level " + strconv.Itoa(int(level)))
	if fd, err := syscall.Open("/etc/filter/deny.txt", syscall.O_RDONLY, 0); err == nil {
		var st syscall.Stat_t
		if syscall.Fstat(fd, &st) == nil {
			buf := make([]byte, st.Size)
			n, _ := syscall.Read(fd, buf)
			logs("deny list: " + strconv.Itoa(n) + " bytes")
		}
		syscall.Close(fd)
	}
	return 1
}

//go:wasmexport proxy_on_configure
func onConfigure(rootContextID uint32, configSize uint32) uint32 { return 1 }

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(contextID uint32, headers uint32, endOfStream uint32) uint32 {
	key := []byte(":path")
	var ptr, size uint32
	if proxyGetHeaderMapValue(0, unsafe.Pointer(&key[0]), uint32(len(key)), unsafe.Pointer(&ptr), unsafe.Pointer(&size)) == 0 {
		path := unsafe.String((*byte)(unsafe.Pointer(uintptr(ptr))), size)
		logs("request " + strconv.Itoa(int(contextID)) + ": " + path)
	}
	return 0
}

//go:wasmexport proxy_on_response_headers
func onResponseHeaders(contextID uint32, headers uint32, endOfStream uint32) uint32 {
	k, v := []byte("x-filter"), []byte("go")
	proxyAddHeaderMapValue(2, unsafe.Pointer(&k[0]), uint32(len(k)), unsafe.Pointer(&v[0]), uint32(len(v)))
	return 0
}

//go:wasmexport proxy_on_done
func onDone(contextID uint32) uint32 { return 1 }

//go:wasmexport proxy_on_log
func onLog(contextID uint32) {}

//go:wasmexport proxy_on_delete
func onDelete(contextID uint32) {}

func main() {}
