// The thread-local last-error message behind sdl_last_error(), and the live-handle
// counter. They live in C because Swift without Foundation has no thread-local storage,
// and C11 atomics need no extra runtime library.
#include <string.h>
#include <stdatomic.h>
#include "swiftdl_internal.h"

static _Atomic int64_t live_tensors;

void sdl_internal_count_tensors(int64_t delta) {
    atomic_fetch_add(&live_tensors, delta);
}

int64_t sdl_live_tensors(void) {
    return atomic_load(&live_tensors);
}

static _Thread_local char last_error[2048];

void sdl_internal_set_last_error(const char *message) {
    if (message == NULL) { last_error[0] = '\0'; return; }
    strncpy(last_error, message, sizeof(last_error) - 1);
    last_error[sizeof(last_error) - 1] = '\0';
}

const char *sdl_last_error(void) {
    return last_error;
}
