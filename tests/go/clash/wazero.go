package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// load runs meta in plain wazero: WASI from wazero, the host's log_record and http_request and a
// kernel that does nothing (the manifest's meta phase provides extism:host/env), dummies for the rest.
func load(path string) (logged string, meta string, err error) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	var calls []uint64
	record := api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {
		calls = append(calls, stack[0])
		stack[0] = 0
	})
	real := map[string]api.GoModuleFunction{"env.log_record": record, "env.http_request": record}
	provides, err := WasmlintTable{}.Provides("meta")
	if err != nil {
		return "", "", err
	}
	for _, key := range provides { // the Extism kernel: a plain wazero host supplies it too
		if _, ok := real[key]; !ok {
			real[key] = api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {})
		}
	}
	if _, err := (WasmlintTable{}).HostModules(ctx, r, "meta", real); err != nil {
		return "", "", err
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	module, err := r.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithStartFunctions("_initialize"))
	if err != nil {
		return "", "", err
	}
	results, err := module.ExportedFunction("meta").Call(ctx)
	return fmt.Sprint(len(calls), " call"), fmt.Sprint(results), err
}
