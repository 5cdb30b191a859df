// SPDX-License-Identifier: MIT
// Runs the overt conformance kit against the plugin built by this project.
// Usage: my_backend_conformance <path to libovert-mine.so>
// Exit status 0 when every check passed; one PASS/FAIL line per check either way.
#include <overt/plugins.hpp>  // overt::config_schema_problems: libovert's schema validator
#include <overt/testing/conformance.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " <path to libovert-mine.so>\n";
        return 2;
    }
    bool ok = true;
    // The same checks against a receiver that accepts and one that is overloaded: the
    // backend must map both to valid statuses without crashing or leaking responses.
    for (int http_status : {200, 503}) {
        overt::testing::ConformanceOptions options;
        options.plugin_path = argv[1];
        options.good_config = R"({"endpoint":"http://127.0.0.1:9/ingest"})";
        options.bad_configs = {R"({})", R"({"endpoint":42})", R"({"endpoint":"ftp://example.com"})"};
        options.http_reply.status_code = http_status;
        // The good config must validate against the plugin's own schema, as overt checks it.
        options.schema_check = overt::config_schema_problems;
        auto results = overt::testing::run_conformance(options);
        std::cout << "== receiver answers HTTP " << http_status << "\n" << overt::testing::format_report(results);
        ok = overt::testing::all_passed(results) && ok;
    }
    std::cout << (ok ? "conformance: all checks passed\n" : "conformance: FAILED\n");
    return ok ? 0 : 1;
}
