;; A wasm32 canister importing mint_cycles (no longer linked; mint_cycles128 replaced it), controller_size
;; (pre-genesis API) and msg_reply from module env instead of ic0.
(module
  (import "ic0" "mint_cycles" (func $mint (param i64) (result i64)))
  (import "ic0" "controller_size" (func $csize (result i32)))
  (import "env" "msg_reply" (func $msg_reply))
  (memory 1)
  (func $go (drop (call $mint (i64.const 1))) (drop (call $csize)) (call $msg_reply))
  (export "canister_update go" (func $go)))
