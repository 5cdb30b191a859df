// SPDX-License-Identifier: MIT
// Peak memory with the backend down: 10 million track() calls into a collector whose only
// backend (the http plugin) points at a refused 127.0.0.1 port, flushing now and then with a
// short deadline. Reports the growth of the peak RSS (VmHWM) over the RSS after setup, next
// to the configured caps. Usage: overt_bench_rss [calls] (prints JSON).
#include "bench_support.hpp"

#include "plugin/plugin_host_factory.hpp"
#include "transport/http_service.hpp"

#include <overt/collector.hpp>
#include <overt/plugins.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#ifndef OVERT_BENCH_PLUGIN_DIR
#error "OVERT_BENCH_PLUGIN_DIR must name the build tree's plugin dir"
#endif

int main(int argc, char** argv) {
    using namespace overt;
    const uint64_t calls = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
    const uint64_t flush_every = 500'000;
    // Spill files on tmpfs when there is one: this measures memory, and ten thousand fsyncs
    // on a shared disk would take minutes. (tmpfs pages are not in the process's RSS.)
    const std::string data_dir = bench::make_temp_dir(std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "");

    PluginHost host = plugin::make_plugin_host({OVERT_BENCH_PLUGIN_DIR}, transport::make_http_service());
    BackendConfig backend;
    backend.plugin = "http";
    backend.id = "http";
    backend.settings_json =
        nlohmann::json{{"endpoint", "http://127.0.0.1:" + std::to_string(bench::refused_port()) + "/events"}}.dump();
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(host.create_sink(backend));
    Config config;
    config.tool_name = "benchtool";
    config.tool_version = "1.0.0";
    config.metadata = {{"channel", "stable"}};
    CollectorOptions options;
    options.consent_granted = true;
    options.data_dir = data_dir;
    options.machine_id = "4a3f8c1d9e2b6f70a1b2c3d4e5f60718";
    auto collector = std::make_unique<Collector>(config, std::move(sinks), std::move(options));

    // One short flush first, so curl, the plugin and the spill path have done their one-time
    // allocations before the baseline.
    collector->track_command("warmup", 0, 0);
    collector->flush(Clock::now() + std::chrono::milliseconds(20));
    const uint64_t baseline = bench::peak_rss_bytes();

    const auto start = std::chrono::steady_clock::now();
    for (uint64_t i = 1; i <= calls; ++i) {
        collector->track_command("build", static_cast<int64_t>(i % 1000), 0);
        if (i % flush_every == 0) collector->flush(Clock::now() + std::chrono::milliseconds(20));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const uint64_t peak = bench::peak_rss_bytes();
    const Counters counters = collector->counters();

    const Event sample = bench::sample_event(0);
    const uint64_t event_bytes = sizeof(Event) + to_json(sample).size();  // struct + its content as text
    const uint64_t caps = config.buffer_max_events * event_bytes + config.spill_max_bytes;
    const uint64_t allowed = caps + (2u << 20);
    nlohmann::json out{
        {"calls", calls},
        {"seconds", seconds},
        {"ns_per_call_amortised", seconds * 1e9 / static_cast<double>(calls)},
        {"baseline_rss_bytes", baseline},
        {"peak_rss_bytes", peak},
        {"peak_growth_bytes", peak - baseline},
        {"buffer_max_events", config.buffer_max_events},
        {"event_bytes_estimate", event_bytes},
        {"spill_max_bytes", config.spill_max_bytes},
        {"spill_max_files", config.spill_max_files},
        {"caps_bytes", caps},
        {"allowed_bytes", allowed},
        {"met", peak - baseline <= allowed},
        {"counters_add_up", counters.adds_up()},
        {"tracked", counters.tracked},
        {"dropped_spill_cap", counters.dropped_total()},
        {"spilled", counters.spilled},
    };
    collector.reset();
    bench::remove_tree(data_dir);
    std::cout << out.dump(2) << std::endl;
    return 0;
}
