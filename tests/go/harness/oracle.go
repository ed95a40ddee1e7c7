package main

import (
	"context"
	"errors"
	"os"
	"sort"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// Oracle is a host built from a manifest, as tests/test_oracle.py reads it (not as wasmlint does):
// WASI preview 1 from wazero when the manifest's presets name it, and every other entry (the
// Extism preset's written out) defined with its declared type. Functions return zeros.
type Oracle struct {
	WASI     bool            `json:"wasi"`
	Entries  []OracleEntry   `json:"entries"`
	Patterns []OraclePattern `json:"patterns"`
}

// OracleEntry is one thing the host provides: a function, memory, table or global.
type OracleEntry struct {
	Namespace string   `json:"namespace"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Params    []string `json:"params"`
	Results   []string `json:"results"`
	Type      string   `json:"type"` // a global's value type, a table's element type
	Mutable   bool     `json:"mutable"`
	Min       uint64   `json:"min"`
	Max       *uint64  `json:"max"`
	Shared    bool     `json:"shared"`
}

// OraclePattern provides, for every imported function or memory of its namespace whose name it
// matches (* and ?), its entry; Any: a function of the import's own type.
type OraclePattern struct {
	Namespace string      `json:"namespace"`
	Pattern   string      `json:"pattern"`
	Any       bool        `json:"any"`
	Entry     OracleEntry `json:"entry"`
}

var oracleTypes = map[string]api.ValueType{
	"i32": api.ValueTypeI32, "i64": api.ValueTypeI64, "f32": api.ValueTypeF32, "f64": api.ValueTypeF64,
	"externref": api.ValueTypeExternref, "funcref": 0x70,
}

func oracleValueTypes(names []string) []api.ValueType {
	out := make([]api.ValueType, len(names))
	for i, name := range names {
		out[i] = oracleTypes[name]
	}
	return out
}

func oracleTypeNames(types []api.ValueType) []string {
	out := []string{}
	for _, t := range types {
		for name, v := range oracleTypes {
			if v == t {
				out = append(out, name)
			}
		}
	}
	return out
}

// glob matches * (any run) and ? (any one character) in pattern against name.
func glob(pattern, name string) bool {
	if pattern == "" {
		return name == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(name); i++ {
			if glob(pattern[1:], name[i:]) {
				return true
			}
		}
		return false
	case '?':
		return name != "" && glob(pattern[1:], name[1:])
	}
	return name != "" && name[0] == pattern[0] && glob(pattern[1:], name[1:])
}

// runOracle instantiates the module with the host described by c.Oracle; the outcome is "ok",
// "trap" (imports resolved, then a start function failed), "link-error", "uncompilable" (wazero
// cannot compile the module at all) or "unbuildable".
func runOracle(ctx context.Context, cache wazero.CompilationCache, c Case, result *Result) {
	features := api.CoreFeaturesV2 | experimental.CoreFeaturesThreads
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache).WithCoreFeatures(features))
	defer r.Close(ctx)
	wasm, err := os.ReadFile(c.Wasm)
	if err != nil {
		result.Outcome, result.LoadErr = "unbuildable", err.Error()
		return
	}
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		result.Outcome, result.LoadErr = "uncompilable", err.Error()
		return
	}
	host := c.Oracle
	entries := append([]OracleEntry(nil), host.Entries...)
	exact := map[string]bool{}
	for _, e := range host.Entries {
		exact[e.Namespace+"\x00"+e.Name] = true
	}
	type imported struct {
		namespace, name string
		params, results []api.ValueType
	}
	var imports []imported
	for _, def := range compiled.ImportedFunctions() {
		namespace, name, _ := def.Import()
		imports = append(imports, imported{namespace, name, def.ParamTypes(), def.ResultTypes()})
	}
	for _, def := range compiled.ImportedMemories() {
		namespace, name, _ := def.Import()
		imports = append(imports, imported{namespace, name, nil, nil}) // "*" = "*": a () -> () function
	}
	for _, imp := range imports {
		if exact[imp.namespace+"\x00"+imp.name] || (host.WASI && imp.namespace == "wasi_snapshot_preview1") {
			continue
		}
		for _, p := range host.Patterns {
			if p.Namespace == imp.namespace && glob(p.Pattern, imp.name) {
				e := p.Entry
				if p.Any {
					e = OracleEntry{Kind: "func", Params: oracleTypeNames(imp.params), Results: oracleTypeNames(imp.results)}
				}
				e.Namespace, e.Name = imp.namespace, imp.name
				entries = append(entries, e)
				break
			}
		}
	}
	if err := buildOracleHost(ctx, r, host.WASI, entries); err != nil {
		result.Outcome, result.LoadErr = "unbuildable", err.Error()
		return
	}
	_, err = r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithStartFunctions().WithName(""))
	var exit *sys.ExitError
	switch {
	case err == nil:
		result.Outcome = "ok"
	case errors.As(err, &exit) || strings.Contains(err.Error(), "wasm error:"):
		result.Outcome, result.LoadErr = "trap", err.Error()
	default:
		result.Outcome, result.LoadErr = "link-error", err.Error()
	}
}

func buildOracleHost(ctx context.Context, r wazero.Runtime, wasi bool, entries []OracleEntry) error {
	byNamespace := map[string][]OracleEntry{}
	for _, e := range entries {
		byNamespace[e.Namespace] = append(byNamespace[e.Namespace], e)
	}
	if wasi && byNamespace["wasi_snapshot_preview1"] == nil {
		wasi_snapshot_preview1.MustInstantiate(ctx, r)
	}
	namespaces := make([]string, 0, len(byNamespace))
	for namespace := range byNamespace {
		namespaces = append(namespaces, namespace)
	}
	sort.Strings(namespaces)
	for _, namespace := range namespaces {
		var functions, others []OracleEntry
		for _, e := range byNamespace[namespace] {
			if e.Kind == "func" {
				functions = append(functions, e)
			} else {
				others = append(others, e)
			}
		}
		hostName := namespace
		if len(others) > 0 {
			hostName = "oracle:" + namespace
		}
		if len(functions) > 0 || (wasi && namespace == "wasi_snapshot_preview1") {
			builder := r.NewHostModuleBuilder(hostName)
			if wasi && namespace == "wasi_snapshot_preview1" {
				wasi_snapshot_preview1.NewFunctionExporter().ExportFunctions(builder) // entries then override
			}
			for _, e := range functions {
				results := len(e.Results)
				zeros := api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {
					for i := 0; i < results; i++ {
						stack[i] = 0
					}
				})
				builder.NewFunctionBuilder().WithGoModuleFunction(zeros, oracleValueTypes(e.Params), oracleValueTypes(e.Results)).Export(e.Name)
			}
			if _, err := builder.Instantiate(ctx); err != nil {
				return err
			}
		}
		if len(others) > 0 {
			compiled, err := r.CompileModule(ctx, oracleDefinitions(hostName, functions, others))
			if err != nil {
				return err
			}
			if _, err := r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(namespace)); err != nil {
				return err
			}
		}
	}
	return nil
}

// oracleDefinitions is a module that re-exports the functions of host module hostName and defines
// and exports the memories, tables and globals (zeros, null references) with their types.
func oracleDefinitions(hostName string, functions, others []OracleEntry) []byte {
	leb := func(v uint64) []byte {
		var out []byte
		for v >= 0x80 {
			out = append(out, byte(v)|0x80)
			v >>= 7
		}
		return append(out, byte(v))
	}
	str := func(s string) []byte { return append(leb(uint64(len(s))), s...) }
	types := func(names []string) []byte { return append(leb(uint64(len(names))), oracleValueTypes(names)...) }
	limits := func(e OracleEntry) []byte {
		flags := byte(0)
		if e.Max != nil {
			flags |= 1
		}
		if e.Shared {
			flags |= 2
		}
		out := append([]byte{flags}, leb(e.Min)...)
		if e.Max != nil {
			out = append(out, leb(*e.Max)...)
		}
		return out
	}
	init := map[string][]byte{
		"i32": {0x41, 0}, "i64": {0x42, 0}, "f32": {0x43, 0, 0, 0, 0}, "f64": {0x44, 0, 0, 0, 0, 0, 0, 0, 0},
		"funcref": {0xd0, 0x70}, "externref": {0xd0, 0x6f},
	}
	sections := map[byte][][]byte{}
	add := func(id byte, item []byte) uint64 {
		sections[id] = append(sections[id], item)
		return uint64(len(sections[id]) - 1)
	}
	for _, e := range functions {
		index := add(1, append(append([]byte{0x60}, types(e.Params)...), types(e.Results)...))
		add(2, append(append(str(hostName), str(e.Name)...), append([]byte{0}, leb(index)...)...))
		add(7, append(str(e.Name), append([]byte{0}, leb(index)...)...))
	}
	for _, e := range others {
		var kind byte
		var index uint64
		switch e.Kind {
		case "table":
			kind, index = 1, add(4, append([]byte{oracleTypes[e.Type]}, limits(e)...))
		case "memory":
			kind, index = 2, add(5, limits(e))
		case "global":
			mutable := byte(0)
			if e.Mutable {
				mutable = 1
			}
			kind, index = 3, add(6, append(append([]byte{oracleTypes[e.Type], mutable}, init[e.Type]...), 0x0b))
		}
		add(7, append(str(e.Name), append([]byte{kind}, leb(index)...)...))
	}
	out := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	for _, id := range []byte{1, 2, 4, 5, 6, 7} {
		if items := sections[id]; len(items) > 0 {
			body := leb(uint64(len(items)))
			for _, item := range items {
				body = append(body, item...)
			}
			out = append(append(append(out, id), leb(uint64(len(body)))...), body...)
		}
	}
	return out
}
