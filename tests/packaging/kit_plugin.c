// SPDX-License-Identifier: MIT
/* A backend written straight against the C ABI, built once per KIT_FAULT to give the
 * conformance kit a known-good plugin and plugins that each break one rule. */
#include <overt/backend.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define FAULT_NONE 0
#define FAULT_ABI_MAJOR 1        /* abi_major 2 */
#define FAULT_NULL_SEND 2        /* a required function missing */
#define FAULT_BAD_SCHEMA 3       /* config_schema is not JSON */
#define FAULT_ACCEPTS_ANYTHING 4 /* create() never refuses a config */
#define FAULT_DESCRIBE_OVERFLOW 5 /* describe() ignores the capacity */
#define FAULT_OVERCOUNT 6        /* send() claims more accepted events than it got */
#define FAULT_MISNAMED 7         /* name differs from the file name */
#define FAULT_UNTERMINATED 8     /* result message fills the buffer without a NUL */
#define FAULT_VALIDATE_LIES 9    /* validate() accepts what create() refuses */
#define FAULT_NONE_ABI_1_0 10    /* no fault, but built as an ABI 1.0 plugin: no validate() */
#define FAULT_SCHEMA_REFUSES_GOOD 11 /* config_schema refuses the config create() accepts */

#ifndef KIT_FAULT
#error "KIT_FAULT must be defined"
#endif

typedef struct kit_instance {
    unsigned long long events_seen;
} kit_instance;

static void set_message(overt_result* result, const char* text) {
    if (!result || !result->message || result->message_capacity == 0) return;
#if KIT_FAULT == FAULT_UNTERMINATED
    (void)text;
    memset(result->message, 'x', result->message_capacity);
#else
    size_t n = strlen(text);
    if (n >= result->message_capacity) n = result->message_capacity - 1;
    memcpy(result->message, text, n);
    result->message[n] = '\0';
#endif
}

static int finish(overt_result* result, int status, unsigned long long accepted, const char* text) {
    if (result) {
        result->status = status;
        result->retry_after_ms = -1;
        result->accepted_count = accepted;
    }
    set_message(result, text);
    return status;
}

/* A config is good when it is an object holding "good": true. */
__attribute__((unused)) static int config_is_good(const char* config, size_t size) {
    if (size < 2 || config[0] != '{' || config[size - 1] != '}') return 0;
    const char* key = "\"good\":true";
    size_t key_len = strlen(key);
    for (size_t i = 0; i + key_len <= size; ++i)
        if (memcmp(config + i, key, key_len) == 0) return 1;
    return 0;
}

static int kit_create(const overt_host_api* host, const char* config, size_t size, void** instance,
                      overt_result* result) {
    (void)host;
#if KIT_FAULT != FAULT_ACCEPTS_ANYTHING
    if (!config_is_good(config, size)) return finish(result, OVERT_INVALID_CONFIG, 0, "kit: config needs \"good\":true");
#else
    (void)config;
    (void)size;
#endif
    kit_instance* self = (kit_instance*)calloc(1, sizeof *self);
    if (!self) return finish(result, OVERT_FATAL, 0, "kit: out of memory");
    *instance = self;
    return finish(result, OVERT_OK, 0, "");
}

__attribute__((unused)) static int kit_validate(const overt_host_api* host, const char* config, size_t size,
                                                overt_result* result) {
    (void)host;
#if KIT_FAULT != FAULT_ACCEPTS_ANYTHING && KIT_FAULT != FAULT_VALIDATE_LIES
    if (!config_is_good(config, size)) return finish(result, OVERT_INVALID_CONFIG, 0, "kit: config needs \"good\":true");
#else
    (void)config;
    (void)size;
#endif
    return finish(result, OVERT_OK, 0, "");
}

__attribute__((unused)) static int kit_send(void* instance, const overt_event* events, size_t count, int64_t deadline_ns,
                    overt_result* result) {
    (void)deadline_ns;
    kit_instance* self = (kit_instance*)instance;
    for (size_t i = 0; i < count; ++i) self->events_seen += events[i].json.size > 0;
#if KIT_FAULT == FAULT_OVERCOUNT
    return finish(result, OVERT_RETRY, count + 1, "kit: try later");
#else
    return finish(result, OVERT_OK, 0, "");
#endif
}

static int kit_flush(void* instance, int64_t deadline_ns, overt_result* result) {
    (void)instance;
    (void)deadline_ns;
    return finish(result, OVERT_OK, 0, "");
}

static void kit_destroy(void* instance) { free(instance); }

static size_t kit_describe(void* instance, char* buffer, size_t capacity) {
    (void)instance;
    const char* text = "kit test";
    size_t n = strlen(text);
#if KIT_FAULT == FAULT_DESCRIBE_OVERFLOW
    if (buffer) memcpy(buffer, text, n + 1);
    (void)capacity;
#else
    if (buffer && capacity > 0) {
        size_t copy = n < capacity - 1 ? n : capacity - 1;
        memcpy(buffer, text, copy);
        buffer[copy] = '\0';
    }
#endif
    return n;
}

OVERT_EXPORT const overt_backend_descriptor* overt_backend_entry_v1(void) {
    static const overt_backend_descriptor descriptor = {
#if KIT_FAULT == FAULT_NONE_ABI_1_0
        offsetof(overt_backend_descriptor, validate),
#else
        sizeof(overt_backend_descriptor),
#endif
#if KIT_FAULT == FAULT_ABI_MAJOR
        OVERT_ABI_MAJOR + 1,
#else
        OVERT_ABI_MAJOR,
#endif
#if KIT_FAULT == FAULT_NONE_ABI_1_0
        0,
#else
        OVERT_ABI_MINOR,
#endif
#if KIT_FAULT == FAULT_MISNAMED
        "other",
#else
        KIT_NAME,
#endif
        "1.2.3",
        "overt tests",
        "conformance kit test plugin",
#if KIT_FAULT == FAULT_BAD_SCHEMA
        "{\"type\": \"object\",",
#elif KIT_FAULT == FAULT_SCHEMA_REFUSES_GOOD
        "{\"type\":\"object\",\"properties\":{\"good\":{\"type\":\"string\"}},\"required\":[\"good\"]}",
#else
        "{\"type\":\"object\",\"properties\":{\"good\":{\"type\":\"boolean\"}},\"required\":[\"good\"]}",
#endif
        OVERT_CAP_LOCAL,
        kit_create,
#if KIT_FAULT == FAULT_NULL_SEND
        NULL,
#else
        kit_send,
#endif
        kit_flush,
        kit_destroy,
        kit_describe,
#if KIT_FAULT == FAULT_NONE_ABI_1_0
        NULL, /* beyond struct_size: never read */
#else
        kit_validate,
#endif
    };
    return &descriptor;
}
