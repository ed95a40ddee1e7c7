;; A wasm64 canister importing the 64-bit-cycles calls that the replica allows only in wasm32 canisters
;; (validation.rs get_valid_system_apis_32_only), beside a correct msg_reply.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "call_cycles_add" (func $call_cycles_add (param i64)))
  (import "ic0" "msg_cycles_accept" (func $msg_cycles_accept (param i64) (result i64)))
  (memory i64 1)
  (func $tip (drop (call $msg_cycles_accept (i64.const 1000))) (call $call_cycles_add (i64.const 0)) (call $msg_reply))
  (export "canister_update tip" (func $tip)))
