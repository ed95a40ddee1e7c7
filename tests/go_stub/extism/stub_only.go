package extism

import "context"

// Invoke is not part of the SDK: it lets tests of generated code call a host function the way
// the runtime would, and see its namespace, name and types.
func Invoke(ctx context.Context, f HostFunction, stack []uint64) {
	f.callback(ctx, &CurrentPlugin{}, stack)
}

// Describe is not part of the SDK: the namespace, name and types a host function was created with.
func Describe(f HostFunction) (namespace, name string, params, returns []ValueType) {
	return f.namespace, f.name, f.params, f.returns
}
