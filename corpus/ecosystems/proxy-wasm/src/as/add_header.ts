// Tags every response with the filter's configured value (or "on" without configuration).
export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context } from "@solo-io/proxy-runtime";

class TagRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new Tag(context_id, this);
  }
}

class Tag extends Context {
  constructor(context_id: u32, root_context: TagRoot) {
    super(context_id, root_context);
  }
  onResponseHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const value = this.root_context.getConfiguration();
    stream_context.headers.response.add("x-tag", value.length > 0 ? value : "on");
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => { return new TagRoot(context_id); }, "tag");
