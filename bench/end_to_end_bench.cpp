// SPDX-License-Identifier: MIT
// End to end: track() -> buffer -> flush() -> the http plugin -> libcurl -> a local HTTP
// server on 127.0.0.1 that answers 200. One iteration tracks a batch and flushes it.
#include "bench_support.hpp"

#include "plugin/plugin_host_factory.hpp"
#include "transport/http_service.hpp"

#include <overt/collector.hpp>
#include <overt/plugins.hpp>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#ifndef OVERT_BENCH_PLUGIN_DIR
#error "OVERT_BENCH_PLUGIN_DIR must name the build tree's plugin dir"
#endif

namespace {

using namespace overt;

void BM_EndToEnd_HttpToLocalServer(benchmark::State& state) {
    const auto batch = static_cast<size_t>(state.range(0));
    bench::LocalHttpServer server;
    PluginHost host = plugin::make_plugin_host({OVERT_BENCH_PLUGIN_DIR}, transport::make_http_service());
    BackendConfig backend;
    backend.plugin = "http";
    backend.id = "http";
    backend.settings_json = nlohmann::json{{"endpoint", server.url("/events")}}.dump();
    std::vector<std::unique_ptr<Sink>> sinks;
    try {
        sinks.push_back(host.create_sink(backend));
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
        return;
    }
    Config config;
    config.tool_name = "benchtool";
    config.tool_version = "1.0.0";
    config.buffer_max_events = batch + 1;  // flushed explicitly, never spilled
    CollectorOptions options;
    options.consent_granted = true;
    options.machine_id = "4a3f8c1d9e2b6f70a1b2c3d4e5f60718";
    Collector collector(std::move(config), std::move(sinks), std::move(options));

    uint64_t sent = 0;
    for (auto _ : state) {
        for (size_t i = 0; i < batch; ++i) collector.track_command("build", static_cast<int64_t>(i), 0);
        FlushReport report = collector.flush();
        sent += report.events_sent;
        if (report.events_sent != batch) {
            state.SkipWithError(("flush did not deliver the batch: " + report.summary()).c_str());
            break;
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(sent));
    state.counters["requests"] = static_cast<double>(server.requests());
    state.counters["body_bytes_per_event"] =
        sent ? static_cast<double>(server.body_bytes()) / static_cast<double>(sent) : 0.0;
    collector.close();
}
BENCHMARK(BM_EndToEnd_HttpToLocalServer)->Arg(100)->Arg(1000)->MinTime(1.0)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
