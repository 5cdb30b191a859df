// SPDX-License-Identifier: MIT
// The baseline of the whole-process figures: the same trivial tool as cli_overhead_tool.cpp
// (take the config path, time an empty command, exit 0) with no telemetry at all. Built twice:
//   overt_bench_plain_tool      does not link libovert (what a tool costs without overt);
//   overt_bench_link_only_tool  OVERT_BENCH_LINK_ONLY: links libovert and never calls it, so
//                               it pays only for loading libovert and its dependencies.
// Usage: <tool> <overt.yaml>  (the file is not read; the argument keeps the launches alike)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#ifdef OVERT_BENCH_LINK_ONLY
#include <overt/config.hpp>
#endif

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <overt.yaml>\n", argv[0]);
        return 2;
    }
    try {
        const std::string config_path = argv[1];
#ifdef OVERT_BENCH_LINK_ONLY
        // The benchmark never sets it, but the compiler cannot know: the reference keeps
        // libovert NEEDED even under -Wl,--as-needed.
        if (std::getenv("OVERT_BENCH_LINK_ONLY_CALLS_OVERT")) (void)overt::load_config(config_path);
#endif
        const auto start = std::chrono::steady_clock::now();
        const int exit_code = 0;  // the command itself: nothing
        const auto elapsed = std::chrono::steady_clock::now() - start;
        // Used, so the clock calls are not optimised away (prints nothing in practice).
        if (elapsed < std::chrono::nanoseconds(0)) std::fprintf(stderr, "%s: clock went back\n", config_path.c_str());
        return exit_code;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
        return 1;
    }
}
