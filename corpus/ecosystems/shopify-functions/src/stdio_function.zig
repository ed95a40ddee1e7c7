// A Shopify Function of the original kind: it reads its input JSON from stdin and writes its
// output JSON to stdout through WASI (no provider namespace). It answers with no discounts when the
// cart is empty and a 10% discount otherwise.
const std = @import("std");

pub fn main() !void {
    var in_buf: [65536]u8 = undefined;
    var len: usize = 0;
    while (len < in_buf.len) {
        const n = std.os.wasi.fd_read(0, &[_]std.os.wasi.iovec_t{.{ .base = in_buf[len..].ptr, .len = in_buf.len - len }}, 1, &len_read);
        if (n != .SUCCESS or len_read == 0) break;
        len += len_read;
    }
    const input = in_buf[0..len];
    const empty = std.mem.indexOf(u8, input, "\"lines\":[]") != null;
    const out: []const u8 = if (empty)
        "{\"discounts\":[],\"discountApplicationStrategy\":\"FIRST\"}"
    else
        "{\"discounts\":[{\"value\":{\"percentage\":{\"value\":\"10.0\"}},\"targets\":[{\"orderSubtotal\":{\"excludedVariantIds\":[]}}]}],\"discountApplicationStrategy\":\"FIRST\"}";
    var written: usize = 0;
    _ = std.os.wasi.fd_write(1, &[_]std.os.wasi.ciovec_t{.{ .base = out.ptr, .len = out.len }}, 1, &written);
}

var len_read: usize = 0;
