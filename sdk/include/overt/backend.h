// SPDX-License-Identifier: MIT
/*
 * overt backend plugin ABI, version 1.
 *
 * Plain C99 across the boundary: no C++ types, exceptions or RTTI cross it.
 * A plugin exports exactly one symbol, overt_backend_entry_v1, returning a
 * pointer to a static descriptor. Every struct starts with its own
 * struct_size so later minor versions can append fields: readers must check
 * struct_size before touching a field that was appended after 1.0.
 *
 * Threading: the host calls one plugin instance from one thread at a time.
 * Lifetime: the host loads a library once and never unloads it.
 */
#ifndef OVERT_BACKEND_H
#define OVERT_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OVERT_ABI_MAJOR 1
#define OVERT_ABI_MINOR 1 /* 1.1: overt_backend_descriptor.validate */

/* Name of the single exported entry symbol. */
#define OVERT_BACKEND_ENTRY_SYMBOL "overt_backend_entry_v1"

/* A plugin compiled into libovert as a built-in backend (overt's OVERT_BUILTIN_BACKENDS) is
 * built with OVERT_BUILTIN_ENTRY=overt_builtin_<name>_entry_v1: its entry point takes that
 * name, unique among the backends sharing one library, and is not exported. The plugin's
 * source stays the same. */
#if defined(OVERT_BUILTIN_ENTRY)
#define overt_backend_entry_v1 OVERT_BUILTIN_ENTRY
#define OVERT_EXPORT
#elif defined(_WIN32)
#define OVERT_EXPORT __declspec(dllexport)
#else
#define OVERT_EXPORT __attribute__((visibility("default")))
#endif

/* A borrowed, not necessarily NUL-terminated string. Valid only during the call it is passed to. */
typedef struct overt_str {
    const char* data;
    size_t size;
} overt_str;

typedef struct overt_kv {
    overt_str key;
    overt_str value;
} overt_kv;

/* One telemetry event as the host hands it to a backend. Field names follow the
 * seed's JSON keys. Strings are views valid only during send(). */
typedef struct overt_event {
    uint32_t struct_size;
    overt_str event_id;        /* UUID v4, lowercase, 36 chars: receivers drop duplicates by it */
    overt_str timestamp;       /* RFC 3339 UTC, nanoseconds with trailing zeros trimmed, 'Z' */
    int64_t timestamp_unix_nano;
    overt_str type;            /* "command.invocation", "feature.used", ... */
    overt_str name;
    overt_str machine_id;      /* 16 hex chars, salted with the tool name */
    overt_str tool_name;
    overt_str version;
    overt_str os;              /* "linux", "darwin", "windows" */
    overt_str arch;            /* "amd64", "arm64", ... */
    overt_str runtime_version; /* JSON key "go_version" (seed name): the host tool's toolchain */
    overt_str os_version;
    int64_t duration_ms;       /* 0 when not a command */
    int32_t exit_code;
    const overt_str* args;     /* only with extended collection, already redacted */
    size_t args_count;
    overt_str error;           /* only with extended collection, already redacted; may be empty */
    const overt_kv* metadata;  /* merged, redacted, sorted by key, unique keys */
    size_t metadata_count;
    overt_str json;            /* the event as compact JSON, seed field order plus event_id;
                                  {NULL, 0} for a plugin declaring OVERT_CAP_NO_EVENT_JSON */
} overt_event;

typedef enum overt_status {
    OVERT_OK = 0,             /* accepted */
    OVERT_RETRY = 1,          /* transient: the host retries (retry_after_ms honoured) or spills */
    OVERT_REJECTED = 2,       /* permanent for these events: the host drops them, counted */
    OVERT_INVALID_CONFIG = 3, /* create() only: the configuration cannot work */
    OVERT_FATAL = 4           /* the instance is unusable: the host stops calling it this run */
} overt_status;

/* What a call reports. The host owns `message` (capacity message_capacity, may be 0);
 * a plugin writes a NUL-terminated, possibly truncated explanation into it. */
typedef struct overt_result {
    uint32_t struct_size;
    int32_t status;          /* overt_status */
    int64_t retry_after_ms;  /* with OVERT_RETRY: server's hint, or -1 for none */
    uint64_t accepted_count; /* with RETRY/REJECTED from send(): the first N events were delivered */
    char* message;
    size_t message_capacity;
} overt_result;

/* ---- host services ------------------------------------------------------ */

typedef enum overt_log_level {
    OVERT_LOG_TRACE = 0,
    OVERT_LOG_DEBUG = 1,
    OVERT_LOG_INFO = 2,
    OVERT_LOG_WARN = 3,
    OVERT_LOG_ERROR = 4
} overt_log_level;

typedef struct overt_http_request {
    uint32_t struct_size;
    const char* url;                 /* NUL-terminated, http or https */
    const overt_kv* headers;
    size_t header_count;
    const char* content_type;        /* e.g. "application/json" */
    const void* body;
    size_t body_size;
    int gzip;                        /* non-zero: host gzips the body and sets Content-Encoding */
    int64_t deadline_ns;             /* absolute, host monotonic clock; 0 = host default timeout */
    const char* ca_file;             /* optional PEM bundle; NULL = system store */
    int insecure;                    /* non-zero: skip TLS verification (only when configured) */
} overt_http_request;

typedef struct overt_http_response {
    uint32_t struct_size;
    int32_t status_code;             /* 0 when no HTTP response arrived */
    int32_t transport_error;         /* non-zero: connection refused, timeout, TLS failure, ... */
    int64_t retry_after_ms;          /* parsed Retry-After, -1 if absent */
    const char* body;                /* host-owned, NUL-terminated, at most 1 MiB kept */
    size_t body_size;
    const char* error_message;       /* host-owned, NUL-terminated, "" when none */
    void* host_private;              /* for http_response_free */

    /* ---- appended after 1.1, no ABI minor bump: a plugin zero-initialises the struct and sets
     * struct_size to its own sizeof; the host writes the field only when that struct_size
     * covers it (OVERT_HTTP_RESPONSE_HAS), so a plugin built against an older header is never
     * written past, and an older host leaves it NULL ---- */

    /* host-owned, NUL-terminated: for a 3xx answer the host did not follow, its Location
     * (resolved against the request URL); "" when none. The host follows only a redirect
     * that keeps the request on the same host (same origin, or an http->https upgrade)
     * with a 301/302/307/308; never a 303 (it is not re-POSTed) nor another host's. */
    const char* location;
} overt_http_response;

/* Whether `response` (as the host left it) has the appended field `member`. */
#define OVERT_HTTP_RESPONSE_HAS(response, member) \
    ((response)->struct_size >= offsetof(overt_http_response, member) + sizeof((response)->member))

typedef struct overt_host_api {
    uint32_t struct_size;
    uint32_t abi_major;
    uint32_t abi_minor;
    const char* host_version;
    void* host_ctx;
    void (*log)(void* host_ctx, int level, const char* message);
    int64_t (*monotonic_ns)(void* host_ctx);
    /* Returns 0 when `response` was filled (even for HTTP errors); non-zero only on misuse.
     * Every filled response must be released with http_response_free. */
    int (*http_post)(void* host_ctx, const overt_http_request* request, overt_http_response* response);
    void (*http_response_free)(void* host_ctx, overt_http_response* response);
} overt_host_api;

/* ---- the plugin's side -------------------------------------------------- */

#define OVERT_CAP_NETWORK (1u << 0)  /* sends over the network (may be slow, uses http_post) */
#define OVERT_CAP_LOCAL (1u << 1)    /* writes only on this machine */
#define OVERT_CAP_GZIP (1u << 2)     /* can ask the host to compress bodies */
/* Reads the structured fields only, never overt_event.json: the host then skips rendering each
 * event's JSON and hands every event json = {NULL, 0}. A bit, not a struct change, so no ABI
 * minor bump: a host that predates it ignores the bit and still fills json (which such a plugin
 * does not read), and a plugin without it always gets the JSON. */
#define OVERT_CAP_NO_EVENT_JSON (1u << 3)

typedef struct overt_backend_descriptor {
    uint32_t struct_size;
    uint32_t abi_major;          /* must equal the host's OVERT_ABI_MAJOR */
    uint32_t abi_minor;          /* must be <= the host's OVERT_ABI_MINOR */
    const char* name;            /* must match the file name (libovert-<name>.so) and config key */
    const char* version;
    const char* vendor;
    const char* description;
    const char* config_schema;   /* JSON Schema (draft-07 subset) of the backend's config block */
    uint64_t capabilities;       /* OVERT_CAP_* */

    /* Required. config_json is the backend's YAML block as a JSON object, already
     * validated against config_schema. On failure: return non-OK, *instance untouched. */
    int (*create)(const overt_host_api* host, const char* config_json, size_t config_size,
                  void** instance, overt_result* result);
    /* Required. deadline_ns is absolute on the host's monotonic clock. */
    int (*send)(void* instance, const overt_event* events, size_t count, int64_t deadline_ns,
                overt_result* result);
    /* Required. Push out anything the plugin itself buffers. */
    int (*flush)(void* instance, int64_t deadline_ns, overt_result* result);
    /* Required. */
    void (*destroy)(void* instance);
    /* Optional. Writes a one-line human description, e.g. "otlp (https://host:4318)".
     * Returns the length it needed (like snprintf). */
    size_t (*describe)(void* instance, char* buffer, size_t capacity);

    /* ---- appended in ABI 1.1: read only when struct_size covers the field ---- */

    /* Optional. Checks config_json exactly as create() would and says what create() would
     * refuse, creating nothing: no instance, no file, no thread, no request (`overt config
     * validate` calls it). Returns OVERT_OK or OVERT_INVALID_CONFIG with the reason in result;
     * warnings go through host->log. host offers no HTTP service here. */
    int (*validate)(const overt_host_api* host, const char* config_json, size_t config_size,
                    overt_result* result);
} overt_backend_descriptor;

typedef const overt_backend_descriptor* (*overt_backend_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* OVERT_BACKEND_H */
