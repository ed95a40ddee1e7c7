// Package host is the go-extism example of wasmlint's README: the host functions of
// corpus/go/ws_plugin.wasm for a phase of corpus/hosts/plusev-terminal.toml.
package host

import (
	"context"

	extism "github.com/extism/go-sdk"

	"example.com/plusev/hostfuncs"
)

// Functions returns the host's own log_record and http_request, and a dummy for every other
// import of the plugin; logged receives each message the plugin logs.
func Functions(phase string, logged *[]string) ([]extism.HostFunction, error) {
	i64 := []extism.ValueType{extism.ValueTypeI64}
	logRecord := extism.NewHostFunctionWithStack("log_record", func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		if message, err := p.ReadString(stack[0]); err == nil {
			*logged = append(*logged, message)
		}
		stack[0] = 0
	}, i64, i64)
	logRecord.SetNamespace("env")
	httpRequest := extism.NewHostFunctionWithStack("http_request", func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		stack[0] = 0 // no HTTP while the host reads metadata
	}, i64, i64)
	httpRequest.SetNamespace("env")
	return hostfuncs.WasmlintTable{}.HostFunctions(phase, logRecord, httpRequest)
}

// Load instantiates the plugin at path for a phase: WASI and the Extism kernel from the SDK,
// the host's own functions, and dummies for the rest.
func Load(ctx context.Context, path, phase string, logged *[]string) (*extism.Plugin, error) {
	functions, err := Functions(phase, logged)
	if err != nil {
		return nil, err
	}
	manifest := extism.Manifest{Wasm: []extism.Wasm{extism.WasmFile{Path: path}}}
	return extism.NewPlugin(ctx, manifest, extism.PluginConfig{EnableWasi: true}, functions)
}
