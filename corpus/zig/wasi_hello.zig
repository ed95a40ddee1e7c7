//! wasi_hello: a Zig WASI command (wasm32-wasi, _start) that writes to
//! stdout through wasi_snapshot_preview1.fd_write directly and also imports
//! one custom host function from "env".
const std = @import("std");
const wasi = std.os.wasi;

extern "env" fn host_exit_code() i32;

pub fn main() void {
    const msg = "hello from zig wasi\n";
    const iov = [_]wasi.ciovec_t{.{ .base = msg, .len = msg.len }};
    var written: usize = 0;
    _ = wasi.fd_write(1, &iov, iov.len, &written);
    wasi.proc_exit(@intCast(host_exit_code()));
}
