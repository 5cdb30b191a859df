/* SPDX-License-Identifier: MIT */
/* overt's C API (C99): a tool in C, or in any language that calls C (Python's ctypes, Rust,
 * Go's cgo), embeds overt through these functions. They wrap the C++ collector
 * (<overt/collector.hpp>) and behave the same: nothing is recorded before consent, no call
 * throws, crashes on bad input or holds the tool past its budget.
 *
 * Conventions:
 *  - functions returning int give OVERT_C_OK (0) or OVERT_C_ERROR (-1); after an error,
 *    overt_last_error() says what went wrong (per thread, secrets masked);
 *  - option structs start with struct_size, set to sizeof the struct the caller was compiled
 *    with, so later versions can append fields;
 *  - strings are UTF-8 and NUL-terminated; a string overt returns is freed with
 *    overt_string_free();
 *  - a collector may be used from several threads at once, except overt_collector_close(),
 *    which must be the last call on it. */
#ifndef OVERT_OVERT_H
#define OVERT_OVERT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(OVERT_STATIC)
#define OVERT_C_API
#elif defined(_WIN32)
#if defined(OVERT_BUILDING_LIBRARY)
#define OVERT_C_API __declspec(dllexport)
#else
#define OVERT_C_API __declspec(dllimport)
#endif
#else
#define OVERT_C_API __attribute__((visibility("default")))
#endif

#define OVERT_C_API_VERSION 1

#define OVERT_C_OK 0
#define OVERT_C_ERROR (-1)

/* What overt_collector_consent_get() returns and overt_collector_consent_set() takes: the
 * user's stored choice for the tool (the environment and the config may still override it). */
#define OVERT_CONSENT_UNSET 0
#define OVERT_CONSENT_GRANTED 1
#define OVERT_CONSENT_DENIED 2

typedef struct overt_collector overt_collector;

typedef struct overt_collector_options {
    size_t struct_size;      /* sizeof(overt_collector_options) */
    const char* config_path; /* an overt.yaml; or NULL to use config_text */
    const char* config_text; /* overt.yaml's text, used when config_path is NULL */
    const char* config_name; /* how messages name config_text (default "<config text>") */
} overt_collector_options;

typedef struct overt_metadata_entry {
    const char* key;
    const char* value;
} overt_metadata_entry;

typedef struct overt_command_info {
    size_t struct_size;        /* sizeof(overt_command_info) */
    const char* name;          /* the command, e.g. "build" */
    int64_t duration_ms;
    int32_t exit_code;
    const char* const* args;   /* recorded (redacted) only with extended_collection */
    size_t arg_count;
    const char* error;         /* likewise; NULL for none */
    const overt_metadata_entry* metadata;
    size_t metadata_count;
} overt_command_info;

/* Opens a collector from a config file or text. Returns NULL when the config cannot be used
 * (overt_last_error() names the file, line and key). Consent is decided here: without it the
 * collector records nothing and every call is a cheap no-op. */
OVERT_C_API overt_collector* overt_collector_open(const overt_collector_options* options);

/* 1 when events are recorded (consent given, telemetry enabled), else 0. */
OVERT_C_API int overt_collector_enabled(const overt_collector* collector);

/* Records an event of `type` (e.g. "feature.used") named `name`. */
OVERT_C_API int overt_collector_track(overt_collector* collector, const char* type, const char* name,
                                      const overt_metadata_entry* metadata, size_t metadata_count);
OVERT_C_API int overt_collector_track_command(overt_collector* collector, const char* name, int64_t duration_ms,
                                              int32_t exit_code);
OVERT_C_API int overt_collector_track_command_extended(overt_collector* collector, const overt_command_info* info);

/* Delivers what is waiting; timeout_ms < 0 uses the config's flush_timeout_ms. */
OVERT_C_API int overt_collector_flush(overt_collector* collector, int64_t timeout_ms);

/* Hands off or sends what is buffered (exit_delivery), within exit_budget_ms, and frees the
 * collector. NULL is allowed. */
OVERT_C_API int overt_collector_close(overt_collector* collector);

/* Erases everything waiting (buffer, spill files) at once. */
OVERT_C_API int overt_collector_drop(overt_collector* collector);

/* The user's stored choice for this tool (OVERT_CONSENT_*), or OVERT_C_ERROR. */
OVERT_C_API int overt_collector_consent_get(const overt_collector* collector);

/* Stores the user's choice for this tool (what `<tool> telemetry enable|disable` does).
 * OVERT_CONSENT_DENIED also erases what this collector holds; a new choice applies to
 * collectors opened after it (a withdrawal stops other processes before their next send). */
OVERT_C_API int overt_collector_consent_set(overt_collector* collector, int consent);

/* The collector's state as a JSON object (keys: enabled, consent_reason, tool, data_dir,
 * machine_id, backends, counters, spill_files_waiting). Free with overt_string_free(). NULL on
 * error. */
OVERT_C_API char* overt_collector_status_json(const overt_collector* collector);

OVERT_C_API void overt_string_free(char* text);

/* What the last failed call on this thread went wrong with; "" when none has. */
OVERT_C_API const char* overt_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* OVERT_OVERT_H */
