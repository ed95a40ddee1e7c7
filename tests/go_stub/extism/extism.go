// Package extism is a stand-in for the Extism Go SDK (module github.com/extism/go-sdk, package
// extism), which cannot be downloaded where wasmlint's tests run. It declares exactly the part
// of the SDK's API that wasmlint's go-extism template uses, with the SDK's signatures as its
// published API documentation (pkg.go.dev/github.com/extism/go-sdk, file host.go) gives them:
//
//	type ValueType = api.ValueType  // wazero's api.ValueType, itself an alias of byte
//	const ValueTypeI32, ValueTypeI64, ValueTypeF32, ValueTypeF64  // = api.ValueTypeI32 ... (0x7f, 0x7e, 0x7d, 0x7c)
//	type CurrentPlugin struct{ ... }
//	type HostFunctionStackCallback func(ctx context.Context, p *CurrentPlugin, stack []uint64)
//	type HostFunction struct{ ... }
//	func NewHostFunctionWithStack(name string, callback HostFunctionStackCallback, params []ValueType, returns []ValueType) HostFunction
//	func (f *HostFunction) SetNamespace(namespace string)
//
// Compiling generated code against this package proves that it uses these names with these
// types; it proves nothing about the SDK's behaviour. stub_only.go adds one function that the
// SDK does not have, for tests to call a host function's callback.
package extism

import "context"

// ValueType is the type of a WebAssembly value (wazero's api.ValueType, an alias of byte).
type ValueType = byte

// The numeric value types, with wazero's encodings.
const (
	ValueTypeI32 ValueType = 0x7f
	ValueTypeI64 ValueType = 0x7e
	ValueTypeF32 ValueType = 0x7d
	ValueTypeF64 ValueType = 0x7c
)

// CurrentPlugin is the plugin calling a host function (opaque here).
type CurrentPlugin struct{}

// HostFunctionStackCallback is a host function working on the value stack: parameters in,
// results out, as uint64 bit patterns.
type HostFunctionStackCallback func(ctx context.Context, p *CurrentPlugin, stack []uint64)

// HostFunction is a function a plugin can import.
type HostFunction struct {
	name      string
	namespace string
	params    []ValueType
	returns   []ValueType
	callback  HostFunctionStackCallback
}

// NewHostFunctionWithStack creates a host function in the default namespace.
func NewHostFunctionWithStack(name string, callback HostFunctionStackCallback, params []ValueType, returns []ValueType) HostFunction {
	return HostFunction{name: name, namespace: "extism:host/user", params: params, returns: returns, callback: callback}
}

// SetNamespace sets the namespace the plugin imports the function from.
func (f *HostFunction) SetNamespace(namespace string) {
	f.namespace = namespace
}
