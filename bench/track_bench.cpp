// SPDX-License-Identifier: MIT
// The cost of Collector::track_command on 1, 2 and 4 threads, beside spdlog's async logger
// enqueueing one short message (a reference figure only: its cost swings 2x with scheduling).
//
// FlushCharged (what a tool pays): the default buffer of 1000 events is flushed whenever it
// holds a batch, with the timer running, into an in-process null sink or the real file plugin
// (through the plugin host, appending to /dev/null): the figure is wall time / calls including
// every flush and the destruction of the flushed events.
// SteadyFlushPaused: the buffer never fills; it is flushed to the null sink every 1024 calls
// with the timer paused, so the figure is the enqueue alone.
// Amortised: the default buffer spills to a data dir whenever it fills, caps applied, so the
// figure includes encoding, writing and fsyncing spill files.
#include "bench_support.hpp"

// Built twice: against libovert's internals, linked statically as the tests link them, and
// (OVERT_BENCH_VIA_LIBOVERT_SO) against libovert.so as a tool links it, where the hot path's
// thread_locals are reached through __tls_get_addr; that build has the null-sink figures only.
#ifndef OVERT_BENCH_VIA_LIBOVERT_SO
#include "plugin/plugin_host_factory.hpp"
#include "support/bounded_call.hpp"
#include "transport/http_service.hpp"

#include <overt/plugins.hpp>
#endif

#include <overt/collector.hpp>

#include <benchmark/benchmark.h>
#include <spdlog/async.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <optional>

#if !defined(OVERT_BENCH_PLUGIN_DIR) && !defined(OVERT_BENCH_VIA_LIBOVERT_SO)
#error "OVERT_BENCH_PLUGIN_DIR must name the build tree's plugin dir"
#endif

namespace {

using namespace overt;
using bench::make_collector;
using bench::NullSink;

constexpr int64_t kSteadyIterationsPerThread = 100'000;
// 200 000 calls in each thread: with 1, 2 or 4 threads a multiple of the 1000-event flush.
constexpr int64_t kChargedCallsPerThread = 200'000;

std::unique_ptr<Collector> g_collector;

#ifndef OVERT_BENCH_VIA_LIBOVERT_SO
std::string g_data_dir;
std::optional<PluginHost> g_plugin_host;  // outlives the plugin sink it made

// The file plugin loaded from the build tree, appending to /dev/null: its encoding, the ABI
// crossing and one open/write/close per batch, no disk.
std::unique_ptr<Sink> make_file_plugin_sink() {
    g_plugin_host.emplace(plugin::make_plugin_host({OVERT_BENCH_PLUGIN_DIR}, transport::make_http_service()));
    BackendConfig backend;
    backend.plugin = "file";
    backend.id = "file";
    backend.settings_json = R"({"path": "/dev/null"})";
    return g_plugin_host->create_sink(backend);
}

#endif

enum class ChargedSink { null_sink, file_plugin };

// One flush per 1000 events tracked in all threads, for every thread count, so each figure
// charges the same flushes per event (each thread flushing after 1000 / threads of its own
// calls made N threads pay N times as many, each for fewer events). Threads add their calls
// to a shared count in steps of kCountStep (a shared line touched every call would be a cost of
// the benchmark's own); the thread whose step crosses a multiple of 1000 flushes, timer running.
constexpr int64_t kCountStep = 20;
std::atomic<int64_t> g_calls_in_all_threads{0};

void run_flush_charged(benchmark::State& state, ChargedSink sink_kind) {
    if (state.thread_index() == 0) {
        g_calls_in_all_threads = 0;
        try {
#ifdef OVERT_BENCH_VIA_LIBOVERT_SO
            (void)sink_kind;
            g_collector = make_collector(Config{}.buffer_max_events, "");
#else
            g_collector = make_collector(Config{}.buffer_max_events, "",
                                         sink_kind == ChargedSink::file_plugin ? make_file_plugin_sink()
                                                                               : std::make_unique<NullSink>());
#endif
        } catch (const std::exception& e) {
            state.SkipWithError(e.what());
        }
    }
    const auto flush_every = static_cast<int64_t>(Config{}.buffer_max_events);
    int64_t calls = 0;
    for (auto _ : state) {
        if (!g_collector) continue;  // the sink failed to load: thread 0 reports it, the others idle
        g_collector->track_command("build", ++calls, 0);
        if (calls % kCountStep == 0) {
            const int64_t before = g_calls_in_all_threads.fetch_add(kCountStep, std::memory_order_relaxed);
            if ((before + kCountStep) / flush_every != before / flush_every) g_collector->flush();
        }
    }
    if (state.thread_index() == 0 && g_collector) {
        g_collector->flush();  // the last events of the other threads, timer stopped
        auto counters = g_collector->counters();
        state.counters["sent"] = static_cast<double>(counters.sent);
        state.counters["dropped"] = static_cast<double>(counters.dropped_total());
        state.counters["flush_every_in_all_threads"] = static_cast<double>(flush_every);
        g_collector.reset();
#ifndef OVERT_BENCH_VIA_LIBOVERT_SO
        g_plugin_host.reset();
#endif
    }
}
void BM_TrackCommand_FlushCharged_NullSink(benchmark::State& state) { run_flush_charged(state, ChargedSink::null_sink); }
#ifndef OVERT_BENCH_VIA_LIBOVERT_SO
void BM_TrackCommand_FlushCharged_FilePlugin(benchmark::State& state) {
    run_flush_charged(state, ChargedSink::file_plugin);
}
#endif
BENCHMARK(BM_TrackCommand_FlushCharged_NullSink)
    ->Iterations(kChargedCallsPerThread)
    ->Threads(1)->Threads(2)->Threads(4)
    ->Repetitions(7)->ReportAggregatesOnly(true)->UseRealTime();
#ifndef OVERT_BENCH_VIA_LIBOVERT_SO
BENCHMARK(BM_TrackCommand_FlushCharged_FilePlugin)
    ->Iterations(kChargedCallsPerThread)
    ->Threads(1)->Threads(2)
    ->Repetitions(7)->ReportAggregatesOnly(true)->UseRealTime();
#endif

// The buffer never fills: every 1024 calls a thread hands the buffer to the null sink with the
// timer paused, so memory stays bounded and warm and the figure leaves the flush out.
void BM_TrackCommand_SteadyFlushPaused(benchmark::State& state) {
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
BENCHMARK(BM_TrackCommand_SteadyFlushPaused)
    ->Threads(1)->Threads(2)->Threads(4)
    ->MinTime(0.2)->Repetitions(7)->ReportAggregatesOnly(true)->UseRealTime();

#ifndef OVERT_BENCH_VIA_LIBOVERT_SO
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

// What each send of a flush pays to run on a watchdog worker (so a hung sink cannot hold the
// caller): handing a no-op to the idle worker and waiting for it to return.
void BM_BoundedCall_RoundTrip(benchmark::State& state) {
    for (auto _ : state) support::run_bounded([] {}, Clock::now() + std::chrono::seconds(5));
}
BENCHMARK(BM_BoundedCall_RoundTrip)->MinTime(0.2)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime();

std::shared_ptr<spdlog::logger> g_async_logger;

// Reference only, not a target. Overflow policy overrun_oldest: the enqueue never blocks, like track().
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

#endif

}  // namespace

BENCHMARK_MAIN();
