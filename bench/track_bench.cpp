// The cost of Collector::track_command on 1, 2 and 4 threads, beside spdlog's async logger
// enqueueing one short message (the reference for "an enqueue").
//
// Steady state: the buffer never fills (no spill); it is flushed to the null sink every 1024
// calls with the timer paused. Amortised: the default
// buffer of 1000 events spills to a data dir whenever it fills, caps applied, so the figure
// includes encoding, writing and fsyncing spill files.
#include "bench_support.hpp"

#include <overt/collector.hpp>

#include <benchmark/benchmark.h>
#include <spdlog/async.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <memory>

namespace {

using namespace overt;

class NullSink : public Sink {
   public:
    const std::string& id() const override { return id_; }
    std::string describe() const override { return "null"; }
    SendResult send(std::span<const Event>, Deadline) override { return SendResult::ok(); }

   private:
    std::string id_ = "null";
};

constexpr int64_t kSteadyIterationsPerThread = 100'000;

std::unique_ptr<Collector> g_collector;
std::string g_data_dir;

std::unique_ptr<Collector> make_collector(size_t buffer_max_events, const std::string& data_dir) {
    Config config;
    config.tool_name = "benchtool";
    config.tool_version = "1.0.0";
    config.buffer_max_events = buffer_max_events;
    config.metadata = {{"channel", "stable"}};
    CollectorOptions options;
    options.consent_granted = true;
    options.data_dir = data_dir;
    options.machine_id = "4a3f8c1d9e2b6f70a1b2c3d4e5f60718";
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<NullSink>());
    return std::make_unique<Collector>(std::move(config), std::move(sinks), std::move(options));
}

// The buffer never fills: every 1024 calls a thread hands the buffer to the null sink with the
// timer paused, as a tool's periodic flush would, so memory stays bounded and warm.
void BM_TrackCommand_Steady(benchmark::State& state) {
    if (state.thread_index() == 0) g_collector = make_collector(size_t{1} << 20, "");
    int64_t duration = 0;
    for (auto _ : state) {
        g_collector->track_command("build", ++duration, 0);
        if ((duration & 1023) == 0) {
            state.PauseTiming();
            g_collector->flush();
            state.ResumeTiming();
        }
    }
    if (state.thread_index() == 0) {
        auto counters = g_collector->counters();
        state.counters["spilled"] = static_cast<double>(counters.spilled);
        state.counters["dropped"] = static_cast<double>(counters.dropped_total());
        g_collector.reset();  // close() delivers to the null sink, outside the timed loop
    }
}
BENCHMARK(BM_TrackCommand_Steady)
    ->Threads(1)->Threads(2)->Threads(4)
    ->MinTime(0.2)->Repetitions(7)->ReportAggregatesOnly(true)->UseRealTime();

void BM_TrackCommand_AmortisedWithSpills(benchmark::State& state) {
    if (state.thread_index() == 0) {
        g_data_dir = bench::make_temp_dir();
        g_collector = make_collector(1000, g_data_dir);
    }
    int64_t duration = 0;
    for (auto _ : state) g_collector->track_command("build", ++duration, 0);
    if (state.thread_index() == 0) {
        auto counters = g_collector->counters();
        state.counters["spilled_or_pruned"] =
            static_cast<double>(counters.spilled + counters.dropped_total());
        g_collector.reset();
        bench::remove_tree(g_data_dir);
    }
}
BENCHMARK(BM_TrackCommand_AmortisedWithSpills)
    ->Threads(1)->Threads(2)->Threads(4)
    ->MinTime(0.5)->Repetitions(3)->ReportAggregatesOnly(true)->UseRealTime();

std::shared_ptr<spdlog::logger> g_async_logger;

// Overflow policy overrun_oldest: the enqueue never blocks, like track().
void BM_SpdlogAsyncEnqueue(benchmark::State& state) {
    if (state.thread_index() == 0) {
        spdlog::init_thread_pool(8192, 1);
        g_async_logger = spdlog::create_async_nb<spdlog::sinks::null_sink_mt>("bench-async");
        g_async_logger->set_level(spdlog::level::info);
    }
    int64_t n = 0;
    for (auto _ : state) g_async_logger->info("command {} finished in {} ms", "build", ++n);
    if (state.thread_index() == 0) {
        spdlog::drop("bench-async");
        g_async_logger.reset();
    }
}
BENCHMARK(BM_SpdlogAsyncEnqueue)
    ->Iterations(kSteadyIterationsPerThread)
    ->Threads(1)->Threads(2)->Threads(4)
    ->Repetitions(7)->ReportAggregatesOnly(true)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
