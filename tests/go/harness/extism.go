package main

import (
	"context"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero"

	"example.com/plusev/host"
)

// extismTable is the API of a generated go-extism table's WasmlintTable.
type extismTable interface {
	DummyFunctions(phase string) ([]extism.HostFunction, error)
	HostFunctions(phase string, real ...extism.HostFunction) ([]extism.HostFunction, error)
}

type hookFunc = func(ctx context.Context, phase, namespace, name string, params []uint64)

type options = map[string]string

var extismTypes = map[string]extism.ValueType{
	"i32": extism.ValueTypeI32, "i64": extism.ValueTypeI64, "f32": extism.ValueTypeF32, "f64": extism.ValueTypeF64,
}

func extismValueTypes(names []string) []extism.ValueType {
	out := make([]extism.ValueType, len(names))
	for i, name := range names {
		t, ok := extismTypes[name]
		if !ok {
			panic("no Extism value type " + name)
		}
		out[i] = t
	}
	return out
}

func typeNames(types []extism.ValueType) []string {
	out := []string{}
	for _, t := range types {
		for name, v := range extismTypes {
			if v == t {
				out = append(out, name)
			}
		}
	}
	return out
}

func realExtism(spec Real, rec *recorder) extism.HostFunction {
	results := len(spec.Results)
	params := len(spec.Params)
	f := extism.NewHostFunctionWithStack(spec.Name, func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		event := Event{Kind: "real", Namespace: spec.Namespace, Name: spec.Name, Params: append([]uint64(nil), stack[:params]...)}
		if spec.Reads {
			text, err := p.ReadString(stack[0])
			if err != nil {
				text = "unreadable: " + err.Error()
			}
			event.Text = text
		}
		rec.events = append(rec.events, event)
		for i := 0; i < results; i++ {
			stack[i] = spec.Value
		}
	}, extismValueTypes(spec.Params), extismValueTypes(spec.Results))
	if spec.Namespace != "" {
		f.SetNamespace(spec.Namespace)
	}
	return f
}

func runExtism(ctx context.Context, cache wazero.CompilationCache, c Case, rec *recorder, result *Result) {
	var real []extism.HostFunction
	for _, spec := range c.Real {
		real = append(real, realExtism(spec, rec))
	}
	functions := real
	if c.Table != "" {
		newTable, ok := extismTables[c.Table]
		if !ok {
			panic("no table " + c.Table)
		}
		var hook hookFunc
		if c.Hook {
			hook = rec.hook
		}
		table := newTable(c.OnCall, hook)
		var err error
		if c.Dummies {
			functions, err = table.DummyFunctions(c.Phase)
		} else {
			functions, err = table.HostFunctions(c.Phase, real...)
		}
		if err != nil {
			result.TableErr = err.Error()
			return
		}
	}
	for _, f := range functions {
		result.Functions = append(result.Functions, Function{f.Namespace, f.Name, typeNames(f.Params), typeNames(f.Returns)})
	}
	manifest := extism.Manifest{Wasm: []extism.Wasm{extism.WasmFile{Path: c.Wasm}}}
	config := extism.PluginConfig{EnableWasi: true, RuntimeConfig: wazero.NewRuntimeConfig().WithCompilationCache(cache)}
	plugin, err := extism.NewPlugin(ctx, manifest, config, functions)
	if err != nil {
		result.LoadErr = err.Error()
		return
	}
	defer plugin.Close(ctx)
	callPlugin(plugin, c.Calls, result)
}

func callPlugin(plugin *extism.Plugin, calls []Call, result *Result) {
	for _, call := range calls {
		code, output, err := plugin.Call(call.Export, []byte(call.Input))
		out := CallOut{Code: code, Output: string(output)}
		if err != nil {
			out.Err = err.Error()
		}
		result.Calls = append(result.Calls, out)
	}
}

// runExample loads the plugin with the README's example host (examples/go/host).
func runExample(ctx context.Context, c Case, rec *recorder, result *Result) {
	var logged []string
	plugin, err := host.Load(ctx, c.Wasm, c.Phase, &logged)
	if err != nil {
		result.LoadErr = err.Error()
		return
	}
	defer plugin.Close(ctx)
	callPlugin(plugin, c.Calls, result)
	for _, text := range logged {
		rec.events = append(rec.events, Event{Kind: "real", Namespace: "env", Name: "log_record", Text: text})
	}
}
