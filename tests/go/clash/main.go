// Command clash is a Go host in package main that declares, itself, every package-level name the
// go-extism table used to declare (functions, build, dummy, phase, Options, ...). It compiles beside
// a table generated with --package main (tests/gohost.py writes it as table.go) and loads the
// plugin named by its argument in the meta phase, printing what meta returns.
package main

import (
	"context"
	"fmt"
	"os"

	extism "github.com/extism/go-sdk"
)

// The host's own names.
type (
	Options  struct{ Verbose bool }
	OnCall   int
	Hook     func()
	function struct{}
	phase    struct{}
	rule     struct{}
)

var (
	functions       = []string{"the host's own"}
	phases          = []phase{}
	generatedOnCall = rule{}
)

const (
	Zero            OnCall = 0
	Trap            OnCall = 1
	CallHook        OnCall = 2
	KeyEnvLogRecord        = "the host's own"
)

func build() string        { return "the host's own" }
func dummy() function      { return function{} }
func validate() error      { return nil }
func Keys() []string       { return functions }
func Phases() []phase      { return phases }
func Provides() rule       { return generatedOnCall }
func DummyFunctions() Hook { return func() {} }
func HostFunctions() bool  { return Options{}.Verbose }

func main() {
	ctx := context.Background()
	i64 := []extism.ValueType{extism.ValueTypeI64}
	logRecord := extism.NewHostFunctionWithStack("log_record", func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		message, _ := p.ReadString(stack[0])
		fmt.Println("logged:", message)
		stack[0] = 0
	}, i64, i64)
	logRecord.SetNamespace("env")
	httpRequest := extism.NewHostFunctionWithStack("http_request", func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		stack[0] = 0
	}, i64, i64)
	httpRequest.SetNamespace("env")
	hostFunctions, err := WasmlintTable{}.HostFunctions("meta", logRecord, httpRequest)
	if err != nil {
		panic(err)
	}
	manifest := extism.Manifest{Wasm: []extism.Wasm{extism.WasmFile{Path: os.Args[1]}}}
	plugin, err := extism.NewPlugin(ctx, manifest, extism.PluginConfig{EnableWasi: true}, hostFunctions)
	if err != nil {
		panic(err)
	}
	defer plugin.Close(ctx)
	_, out, err := plugin.Call("meta", nil)
	fmt.Println("meta:", string(out), err, build(), Keys(), KeyEnvLogRecord, Zero+Trap+CallHook, dummy(), validate(), Phases(), Provides(), DummyFunctions() != nil, HostFunctions())
}
