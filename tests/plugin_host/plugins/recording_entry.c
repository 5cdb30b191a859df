/* SPDX-License-Identifier: MIT */
/* The exported entry point of one recording test plugin: RECORDING_ENTRY names its variant in
 * recording_backend.cpp, which all four modules share. */
#include <overt/backend.h>

const overt_backend_descriptor* RECORDING_ENTRY(void);

OVERT_EXPORT const overt_backend_descriptor* overt_backend_entry_v1(void) { return RECORDING_ENTRY(); }
