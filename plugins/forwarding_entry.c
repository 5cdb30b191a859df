/* SPDX-License-Identifier: MIT */
/* The exported entry point of a module whose backend is compiled elsewhere with its entry
 * renamed and hidden (a built-in's objects; the recording test plugins' shared objects):
 * OVERT_FORWARDED_ENTRY names that entry. */
#include <overt/backend.h>

const overt_backend_descriptor* OVERT_FORWARDED_ENTRY(void);

OVERT_EXPORT const overt_backend_descriptor* overt_backend_entry_v1(void) { return OVERT_FORWARDED_ENTRY(); }
