// SPDX-License-Identifier: MIT
// Heap per event held in the collector's buffer: N track_command() calls into a collector with
// an in-process null sink, no data dir and no flush, so all N events stay buffered. Measured
// two ways, both as the growth over the collector just opened, plus the buffer slots it had
// reserved at open (sizeof(Event) each), divided by N:
//   operator new: live bytes of a counting global operator new (malloc_usable_size of each
//                 block: what the allocator handed out, padding included, headers not);
//   mallinfo2:    in-use bytes of glibc's heap (uordblks + hblkhd: headers, rounding, and
//                 the large mmapped buffer vector included).
// N = 1000 is the default buffer (its slots are all reserved at open); larger N raise
// buffer.max_events, and the vector's growth slack is then part of the figure.
// Usage: overt_bench_buffer_memory [N ...] (prints JSON)
#include "bench_support.hpp"

#include <overt/collector.hpp>

#include "collector/collector_impl.hpp"

#include <nlohmann/json.hpp>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <vector>

namespace {

std::atomic<int64_t> g_live_new_bytes{0};

void* counted_alloc(std::size_t size) {
    void* block = std::malloc(size ? size : 1);
    if (!block) throw std::bad_alloc();
    g_live_new_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(block)), std::memory_order_relaxed);
    return block;
}

void counted_free(void* block) noexcept {
    if (!block) return;
    g_live_new_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(block)), std::memory_order_relaxed);
    std::free(block);
}

}  // namespace

// Replaces the global operators for the whole process, libovert included (it calls them
// through the dynamic linker). Over-aligned new is left to the default: nothing here uses it.
void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return counted_alloc(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* block) noexcept { counted_free(block); }
void operator delete[](void* block) noexcept { counted_free(block); }
void operator delete(void* block, std::size_t) noexcept { counted_free(block); }
void operator delete[](void* block, std::size_t) noexcept { counted_free(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { counted_free(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { counted_free(block); }

namespace {

using namespace overt;
using bench::make_collector;

int64_t mallinfo_in_use_bytes() {
    const struct mallinfo2 info = mallinfo2();
    return static_cast<int64_t>(info.uordblks + info.hblkhd);
}

nlohmann::json measure(size_t events) {
    const size_t buffer_max_events = std::max(events, Config{}.buffer_max_events);
    auto collector = make_collector(buffer_max_events);
    auto& impl = detail::CollectorAccess::impl(*collector);
    const size_t slots_at_open = impl.buffer.capacity();
    const int64_t slot_bytes_at_open = static_cast<int64_t>(slots_at_open * sizeof(Event));
    const int64_t new_before = g_live_new_bytes.load();
    const int64_t mallinfo_before = mallinfo_in_use_bytes();

    for (size_t i = 0; i < events; ++i) collector->track_command("build", static_cast<int64_t>(i % 1000), 0);

    const int64_t new_growth = g_live_new_bytes.load() - new_before;
    const int64_t mallinfo_growth = mallinfo_in_use_bytes() - mallinfo_before;
    const Counters counters = collector->counters();
    const auto per_event = [&](int64_t bytes) { return static_cast<double>(bytes) / static_cast<double>(events); };
    nlohmann::json out{
        {"events", events},
        {"buffer_max_events", buffer_max_events},
        {"buffered", counters.buffered},
        {"all_buffered", counters.buffered == events && counters.dropped_total() == 0},
        {"sizeof_event", sizeof(Event)},
        {"slots_reserved_at_open", slots_at_open},
        {"slots_after", impl.buffer.capacity()},
        {"operator_new_bytes_per_event", per_event(new_growth + slot_bytes_at_open)},
        {"mallinfo2_bytes_per_event", per_event(mallinfo_growth + slot_bytes_at_open)},
        {"operator_new_growth_per_event_excluding_slots_reserved_at_open", per_event(new_growth)},
    };
    collector->drop();  // nothing to deliver: the figure is the buffer, not the close
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<size_t> counts;
    for (int i = 1; i < argc; ++i) counts.push_back(std::strtoull(argv[i], nullptr, 10));
    if (counts.empty()) counts = {Config{}.buffer_max_events, 100'000};

    // One collector first, so one-time allocations (logger, id generator, thread-locals) are
    // not charged to the events.
    {
        auto warm_up = make_collector(Config{}.buffer_max_events);
        warm_up->track_command("warmup", 0, 0);
        warm_up->drop();
    }
    nlohmann::json out{{"runs", nlohmann::json::array()}};
    for (size_t events : counts) {
        if (events == 0) {
            std::fprintf(stderr, "usage: %s [N ...] (N > 0)\n", argv[0]);
            return 2;
        }
        out["runs"].push_back(measure(events));
    }
    std::cout << out.dump(2) << std::endl;
    return 0;
}
