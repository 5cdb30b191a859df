// SPDX-License-Identifier: MIT
// Encode throughput of each real backend plugin, loaded from the build tree through the
// plugin host: batches of 512 events, the host's http_post discarding the body with 200. A
// figure is one PluginSink::send: the host's batch build (the C structs, and each event's JSON
// unless the plugin declares OVERT_CAP_NO_EVENT_JSON), the plugin's encoding, the ABI
// crossing and http_post's copy of the body; no network. The file backend appends to /dev/null.
#include "bench_support.hpp"

#include "plugin/plugin_host_factory.hpp"
#include "transport/http_service.hpp"

#include <overt/plugins.hpp>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <stdexcept>

#ifndef OVERT_BENCH_PLUGIN_DIR
#error "OVERT_BENCH_PLUGIN_DIR must name the build tree's plugin dir"
#endif

namespace {

using namespace overt;

constexpr size_t kBatch = 512;

class DiscardingHttpService : public transport::HttpService {
   public:
    transport::HttpResponse post(const transport::HttpRequest& request) override {
        bytes_ += request.body.size();
        transport::HttpResponse response;
        response.status_code = 200;
        return response;
    }
    uint64_t bytes() const { return bytes_.load(); }

   private:
    std::atomic<uint64_t> bytes_{0};
};

void run_plugin(benchmark::State& state, const std::string& plugin, const nlohmann::json& settings) {
    auto http = std::make_shared<DiscardingHttpService>();
    PluginHost host = plugin::make_plugin_host({OVERT_BENCH_PLUGIN_DIR}, http);
    BackendConfig backend;
    backend.plugin = plugin;
    backend.id = plugin;
    backend.settings_json = settings.dump();
    std::unique_ptr<Sink> sink;
    try {
        sink = host.create_sink(backend);
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
        return;
    }
    const std::vector<Event> events = bench::sample_events(kBatch);
    for (auto _ : state) {
        SendResult result = sink->send(events, Clock::now() + std::chrono::seconds(10));
        if (result.status != SendStatus::ok) {
            state.SkipWithError(("send failed: " + result.message).c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatch));
    if (plugin != "file") {
        state.SetBytesProcessed(static_cast<int64_t>(http->bytes()));
        state.counters["body_bytes_per_event"] =
            static_cast<double>(http->bytes()) / static_cast<double>(state.iterations() * kBatch);
    }
}

void BM_Encode_File(benchmark::State& state) { run_plugin(state, "file", {{"path", "/dev/null"}}); }
void BM_Encode_Http(benchmark::State& state) { run_plugin(state, "http", {{"endpoint", "http://127.0.0.1:9/events"}}); }
void BM_Encode_OtlpProtobuf(benchmark::State& state) {
    run_plugin(state, "otlp", {{"endpoint", "http://127.0.0.1:9"}, {"insecure", true}, {"protocol", "http/protobuf"}});
}
void BM_Encode_OtlpJson(benchmark::State& state) {
    run_plugin(state, "otlp", {{"endpoint", "http://127.0.0.1:9"}, {"insecure", true}, {"protocol", "http/json"}});
}
void BM_Encode_Datadog(benchmark::State& state) {
    run_plugin(state, "datadog", {{"api_key", "bench-key"}, {"endpoint", "http://127.0.0.1:9/api/v2/logs"}});
}
void BM_Encode_Posthog(benchmark::State& state) {
    run_plugin(state, "posthog", {{"api_key", "phc_bench"}, {"endpoint", "http://127.0.0.1:9/batch/"}});
}

BENCHMARK(BM_Encode_File)->MinTime(0.5)->UseRealTime();
BENCHMARK(BM_Encode_Http)->MinTime(0.5)->UseRealTime();
BENCHMARK(BM_Encode_OtlpProtobuf)->MinTime(0.5)->UseRealTime();
BENCHMARK(BM_Encode_OtlpJson)->MinTime(0.5)->UseRealTime();
BENCHMARK(BM_Encode_Datadog)->MinTime(0.5)->UseRealTime();
BENCHMARK(BM_Encode_Posthog)->MinTime(0.5)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
