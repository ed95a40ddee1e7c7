;; A 0.2.0 filter that exports the 0.1.0 form of proxy_on_request_headers (two parameters) and no
;; allocator: the host refuses it ("Wasm module is missing malloc function."; the callback's type
;; would be "Bad function signature for: proxy_on_request_headers").
(module
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (import "env" "proxy_continue_stream" (func $continue_stream (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "proxy_abi_version_0_2_0"))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_request_headers") (param i32 i32) (result i32)
    (drop (call $continue_stream (i32.const 0)))
    (i32.const 0)))
