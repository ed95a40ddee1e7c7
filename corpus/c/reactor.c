/* reactor: a C WASI reactor compiled by the clang bundled with Zig
 * (zig cc) against wasi-libc. Custom imports are declared with clang's
 * import_module/import_name attributes, exports with export_name.
 * Imports: env.host_add_i64 (i64, i64) -> i64, env.host_sink (i32, i32, f32) -> (),
 * host.abort_with (i32) -> (), plus whatever wasi-libc pulls in for printf. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

__attribute__((import_module("env"), import_name("host_add_i64")))
int64_t host_add_i64(int64_t a, int64_t b);

__attribute__((import_module("env"), import_name("host_sink")))
void host_sink(const char *ptr, int32_t len, float weight);

__attribute__((import_module("host"), import_name("abort_with")))
void host_abort_with(int32_t code);

static char scratch[128];

__attribute__((export_name("total")))
int64_t total(int64_t a, int64_t b) {
    return host_add_i64(a, b);
}

__attribute__((export_name("report")))
int32_t report(int32_t value) {
    int n = snprintf(scratch, sizeof scratch, "value=%d", (int)value);
    if (n < 0) {
        host_abort_with(1);
    }
    host_sink(scratch, (int32_t)strlen(scratch), 0.5f);
    printf("%s\n", scratch);
    return n;
}
