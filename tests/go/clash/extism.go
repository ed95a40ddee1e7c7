package main

import (
	"context"

	extism "github.com/extism/go-sdk"
)

// load runs meta with the Extism Go SDK: the host's log_record and http_request, the table's dummies.
func load(path string) (logged string, meta string, err error) {
	ctx := context.Background()
	i64 := []extism.ValueType{extism.ValueTypeI64}
	logRecord := extism.NewHostFunctionWithStack("log_record", func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		logged, _ = p.ReadString(stack[0])
		stack[0] = 0
	}, i64, i64)
	logRecord.SetNamespace("env")
	httpRequest := extism.NewHostFunctionWithStack("http_request", func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		stack[0] = 0
	}, i64, i64)
	httpRequest.SetNamespace("env")
	hostFunctions, err := WasmlintTable{}.HostFunctions("meta", logRecord, httpRequest)
	if err != nil {
		return "", "", err
	}
	manifest := extism.Manifest{Wasm: []extism.Wasm{extism.WasmFile{Path: path}}}
	plugin, err := extism.NewPlugin(ctx, manifest, extism.PluginConfig{EnableWasi: true}, hostFunctions)
	if err != nil {
		return "", "", err
	}
	defer plugin.Close(ctx)
	_, out, err := plugin.Call("meta", nil)
	return logged, string(out), err
}
