// SPDX-License-Identifier: MIT
// A small CLI program embedding overt the way a tool does: load overt.yaml, open the
// collector, run one (empty) command, track it, close. bench/cli_overhead.cpp launches it
// many times. Usage: overt_cli_overhead_tool <overt.yaml>
// OVERT_BENCH_TOOL_HEAP_MB=N makes the tool hold N MiB of touched heap, like a bigger tool
// (what a fork()-based exit hand-off pays for in page tables and copy-on-write faults).
#include <overt/collector.hpp>
#include <overt/config.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <overt.yaml>\n", argv[0]);
        return 2;
    }
    try {
        std::unique_ptr<char[]> heap;
        if (const char* mb = std::getenv("OVERT_BENCH_TOOL_HEAP_MB"); mb && std::atoi(mb) > 0) {
            const size_t bytes = static_cast<size_t>(std::atoi(mb)) << 20;
            heap.reset(new char[bytes]);
            std::memset(heap.get(), 1, bytes);
        }
        const auto start = std::chrono::steady_clock::now();
        auto collector = overt::Collector::open(overt::load_config(argv[1]));
        const int exit_code = 0;  // the command itself: nothing
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        collector->track_command("build", elapsed.count(), exit_code);
        collector->close();
        return exit_code;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "overt_cli_overhead_tool: %s\n", e.what());
        return 1;
    }
}
