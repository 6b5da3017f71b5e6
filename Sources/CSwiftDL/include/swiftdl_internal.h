// Used by the Swift shims only; not part of the public ABI.
#ifndef SWIFTDL_INTERNAL_H
#define SWIFTDL_INTERNAL_H
#include "swiftdl.h"
void sdl_internal_set_last_error(const char *message);
/* Adds delta to the live-handle counter behind sdl_live_tensors(). */
void sdl_internal_count_tensors(int64_t delta);
#endif
