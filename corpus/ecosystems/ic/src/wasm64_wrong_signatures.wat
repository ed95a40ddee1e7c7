;; A wasm64 canister declaring ic0 imports with their wasm32 types: in a wasm64 canister I is i64.
(module
  (import "ic0" "msg_arg_data_size" (func $size (result i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory i64 1)
  (func $echo (call $append (i32.const 0) (call $size)) (call $msg_reply))
  (export "canister_query echo" (func $echo)))
