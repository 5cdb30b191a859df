// SPDX-License-Identifier: MIT
/* Compiled as C99 with -pedantic so the ABI header stays plain C. */
#include <overt/backend.h>

size_t overt_sdk_c99_check_descriptor_size(void);
size_t overt_sdk_c99_check_descriptor_size(void) { return sizeof(overt_backend_descriptor); }
