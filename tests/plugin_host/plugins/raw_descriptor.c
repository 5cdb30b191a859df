// SPDX-License-Identifier: MIT
/* Test plugins written against the bare C ABI, each broken in one way chosen by a macro. */
#include <overt/backend.h>

#include <stddef.h>

#ifndef TEST_PLUGIN_NAME
#error "TEST_PLUGIN_NAME must be defined"
#endif

static int dummy_instance;

static int test_create(const overt_host_api* host, const char* config, size_t size, void** instance,
                       overt_result* result) {
    (void)host;
    (void)config;
    (void)size;
    result->status = OVERT_OK;
#ifdef TEST_CREATE_NULL_INSTANCE
    (void)instance;
    (void)dummy_instance;
    return OVERT_OK;
#else
    *instance = &dummy_instance;
    return OVERT_OK;
#endif
}

__attribute__((unused)) static int test_send(void* instance, const overt_event* events, size_t count, int64_t deadline_ns,
                     overt_result* result) {
    (void)instance;
    (void)events;
    (void)count;
    (void)deadline_ns;
    result->status = OVERT_OK;
    return OVERT_OK;
}

static int test_flush(void* instance, int64_t deadline_ns, overt_result* result) {
    (void)instance;
    (void)deadline_ns;
    result->status = OVERT_OK;
    return OVERT_OK;
}

static void test_destroy(void* instance) { (void)instance; }

#ifndef TEST_ABI_MAJOR
#define TEST_ABI_MAJOR OVERT_ABI_MAJOR
#endif
#ifndef TEST_ABI_MINOR
#define TEST_ABI_MINOR OVERT_ABI_MINOR
#endif
#ifndef TEST_DESCRIPTOR_NAME
#define TEST_DESCRIPTOR_NAME TEST_PLUGIN_NAME
#endif

static const overt_backend_descriptor descriptor = {
    sizeof(overt_backend_descriptor),
    TEST_ABI_MAJOR,
    TEST_ABI_MINOR,
    TEST_DESCRIPTOR_NAME,
    "0.0.1",
    "overt tests",
    "a deliberately broken plugin",
    "{\"type\": \"object\"}",
    OVERT_CAP_LOCAL,
    test_create,
#ifdef TEST_NULL_SEND
    NULL,
#else
    test_send,
#endif
    test_flush,
    test_destroy,
    NULL, /* describe */
    NULL, /* validate */
};

#ifdef TEST_NO_ENTRY
OVERT_EXPORT const overt_backend_descriptor* overt_backend_entry_misspelled(void) { return &descriptor; }
#else
OVERT_EXPORT const overt_backend_descriptor* overt_backend_entry_v1(void) { return &descriptor; }
#endif
