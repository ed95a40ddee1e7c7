package main

import (
	"context"
	"os"
	"sort"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// wazeroTable is the API of a generated go-wazero table's WasmlintTable.
type wazeroTable interface {
	HostModules(ctx context.Context, r wazero.Runtime, phase string, real map[string]api.GoModuleFunction) ([]api.Module, error)
	Namespaces() []string
	Provides(phase string) ([]string, error)
}

func realWazero(spec Real, rec *recorder) api.GoModuleFunction {
	params, results := len(spec.Params), len(spec.Results)
	return api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {
		rec.events = append(rec.events, Event{Kind: "real", Namespace: spec.Namespace, Name: spec.Name, Params: append([]uint64(nil), stack[:params]...)})
		for i := 0; i < results; i++ {
			stack[i] = spec.Value
		}
	})
}

// runWazero instantiates WASI preview 1 from wazero, the table's host modules, and the plugin
// (calling _initialize if it exports one, never _start), then calls the exports with their arguments.
func runWazero(ctx context.Context, cache wazero.CompilationCache, c Case, rec *recorder, result *Result) {
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	if c.Table != "" {
		newTable, ok := wazeroTables[c.Table]
		if !ok {
			panic("no table " + c.Table)
		}
		var hook hookFunc
		if c.Hook {
			hook = rec.hook
		}
		table := newTable(c.OnCall, hook)
		real := map[string]api.GoModuleFunction{}
		for _, spec := range c.Real {
			real[spec.Namespace+"."+spec.Name] = realWazero(spec, rec)
		}
		if c.Rest {
			provides, _ := table.Provides(c.Phase)
			for _, key := range provides {
				if _, ok := real[key]; !ok {
					real[key] = api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {})
				}
			}
		}
		modules, err := table.HostModules(ctx, r, c.Phase, real)
		if err != nil {
			result.TableErr = err.Error()
			return
		}
		for _, m := range modules {
			result.Modules = append(result.Modules, m.Name())
		}
		sort.Strings(result.Modules)
		result.Extra = table.Namespaces()
	}
	wasm, err := os.ReadFile(c.Wasm)
	if err != nil {
		result.LoadErr = err.Error()
		return
	}
	config := wazero.NewModuleConfig().WithStartFunctions("_initialize").WithName("")
	module, err := r.InstantiateWithConfig(ctx, wasm, config)
	if err != nil {
		result.LoadErr = err.Error()
		return
	}
	for name := range module.ExportedFunctionDefinitions() {
		result.Exports = append(result.Exports, name)
	}
	sort.Strings(result.Exports)
	for _, call := range c.Calls {
		out := CallOut{}
		f := module.ExportedFunction(call.Export)
		if f == nil {
			out.Err = "no export " + call.Export
		} else if results, err := f.Call(ctx, call.Args...); err != nil {
			out.Err = err.Error()
		} else {
			out.Results = results
		}
		result.Calls = append(result.Calls, out)
	}
}
