export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context } from "@solo-io/proxy-runtime";
import { clear_route_cache } from "@solo-io/proxy-runtime/runtime";

class RerouteRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new Reroute(context_id, this);
  }
}

// Rewrites the path and asks the proxy to pick the route again.
class Reroute extends Context {
  constructor(context_id: u32, root_context: RerouteRoot) {
    super(context_id, root_context);
  }
  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.request.replace(":path", "/v2" + stream_context.headers.request.get(":path"));
    clear_route_cache();
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => { return new RerouteRoot(context_id); }, "reroute");
