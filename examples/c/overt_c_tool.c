// SPDX-License-Identifier: MIT
/* A command-line tool in C embedding overt through its C API (<overt/overt.h>).
 * Usage: overt-c-tool [overt.yaml]   records its run and a feature, prints the status JSON. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <overt/overt.h>

#include <stdio.h>
#include <time.h>

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char** argv) {
    const int64_t start = now_ms();
    overt_collector_options options = {sizeof options, argc > 1 ? argv[1] : "overt.yaml", NULL, NULL};
    overt_collector* telemetry = overt_collector_open(&options);
    if (!telemetry) {
        /* A tool runs on without telemetry: the config is the author's bug, not the user's. */
        fprintf(stderr, "telemetry off: %s\n", overt_last_error());
    }

    const overt_metadata_entry format = {"format", "csv"};
    overt_collector_track(telemetry, "feature.used", "export", &format, 1);
    /* ... the tool's real work ... */
    overt_collector_track_command(telemetry, "c-tool run", now_ms() - start, 0);

    char* status = overt_collector_status_json(telemetry);
    if (status) {
        printf("%s\n", status);
        overt_string_free(status);
    }
    if (overt_collector_close(telemetry) != OVERT_C_OK) fprintf(stderr, "%s\n", overt_last_error());
    return 0;
}
