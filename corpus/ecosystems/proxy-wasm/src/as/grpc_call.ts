export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext, FilterHeadersStatusValues } from "@solo-io/proxy-runtime";
import { proxy_grpc_call } from "@solo-io/proxy-runtime/imports";

class AuditRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new Audit(context_id, this);
  }
}

// Sends an audit record to a gRPC service on every request, through the SDK's own
// declaration of proxy_grpc_call.
class Audit extends Context {
  constructor(context_id: u32, root_context: AuditRoot) {
    super(context_id, root_context);
  }
  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const service = String.UTF8.encode("audit");
    const name = String.UTF8.encode("audit.Audit");
    const method = String.UTF8.encode("Record");
    const body = String.UTF8.encode("request");
    const token = new ArrayBuffer(4);
    proxy_grpc_call(changetype<usize>(service), service.byteLength, changetype<usize>(name), name.byteLength,
      changetype<usize>(method), method.byteLength, changetype<usize>(body), body.byteLength, 1000,
      changetype<usize>(token));
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => { return new AuditRoot(context_id); }, "audit");
