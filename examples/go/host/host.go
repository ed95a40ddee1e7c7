// Package host is the go-extism example of wasmlint's README: the host functions of
// corpus/go/ws_plugin.wasm for a phase of corpus/hosts/plusev-terminal.toml.
package host

import (
	"context"

	extism "github.com/extism/go-sdk"

	"example.com/plusev/hostfuncs"
)

// Functions returns the host's own log_record and http_request, and a dummy for every other
// import of the plugin; logged receives the handle of each message the plugin logs.
func Functions(phase string, logged *[]uint64) ([]extism.HostFunction, error) {
	i64 := []extism.ValueType{extism.ValueTypeI64}
	logRecord := extism.NewHostFunctionWithStack("log_record", func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		*logged = append(*logged, stack[0])
		stack[0] = 0
	}, i64, i64)
	logRecord.SetNamespace("env")
	httpRequest := extism.NewHostFunctionWithStack("http_request", func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		stack[0] = 0
	}, i64, i64)
	httpRequest.SetNamespace("env")
	real := map[string]extism.HostFunction{
		hostfuncs.KeyEnvLogRecord:   logRecord,
		hostfuncs.KeyEnvHttpRequest: httpRequest,
	}
	return hostfuncs.HostFunctions(phase, real, hostfuncs.Options{})
}
