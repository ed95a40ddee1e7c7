// Command clash is a Go host in package main that declares, itself, every package-level name the Go
// tables used to declare (functions, build, dummy, phase, Options, ...). It compiles beside a table
// generated with --package main (tests/gohost.py writes it as table.go, and adds extism.go or
// wazero.go, which define load) and loads the plugin named by its argument in the meta phase.
package main

import (
	"fmt"
	"os"
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
	logged, meta, err := load(os.Args[1])
	fmt.Println("logged:", logged)
	fmt.Println("meta:", meta, err, build(), Keys(), KeyEnvLogRecord, Zero+Trap+CallHook, dummy(), validate(), Phases(), Provides(), DummyFunctions() != nil, HostFunctions())
}
