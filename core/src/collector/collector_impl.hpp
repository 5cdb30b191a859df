// Collector internals shared by collector.cpp (recording) and flush.cpp (delivery).
#pragma once

#include <overt/collector.hpp>
#include <overt/plugins.hpp>

#include "delivery/deliver.hpp"
#include "spill/spill_store.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace overt {

struct Collector::Impl {
    Config config;
    bool enabled = false;
    std::string data_dir;
    std::string machine_id;
    std::string consent_reason;
    std::shared_ptr<const Origin> origin;
    std::shared_ptr<const Metadata> base_metadata;  // redacted once

    std::unique_ptr<PluginHost> plugin_host;    // outlives its sinks (declared first); open() only
    // Every sink came from config.backends through the plugin host (open()), so another
    // process can rebuild them from the config alone (the background sender).
    bool sinks_from_config = false;
    // Sinks, by position; absent ones failed to load (their ids still owe events).
    std::vector<std::unique_ptr<Sink>> sinks;
    std::vector<std::string> sink_ids;       // every id: loaded then unavailable
    std::vector<std::string> sink_info;      // describe() of each, for backend_info()
    std::vector<bool> sink_unavailable;      // failed to load, or fatal/hung during this run
    bool sink_abandoned = false;             // a hung sink was handed to support::abandon_forever
    std::unique_ptr<spill::SpillStore> store;  // null without a data dir
    delivery::RetryPolicy retry_policy;

    // `mutex` guards the buffer, the counters and own_files (short sections only).
    mutable std::mutex mutex;
    std::vector<Event> buffer;
    // Without a data dir a full buffer is a ring: the oldest event is at ring_start, and
    // no_data_dir_drops counts the overwritten ones until settle_ring_locked() books them
    // (a map lookup by reason is too slow for the hot path).
    size_t ring_start = 0;
    uint64_t no_data_dir_drops = 0;
    Counters counters;
    std::map<std::string, uint64_t> own_files;  // spill file -> events, counted in `spilled`
    PersistedCounters persisted_base;           // counters already added to counters.json

    // One flush at a time per process. A flag and a condition variable rather than a
    // timed_mutex: close() waits with a deadline, and TSan (GCC 12) does not intercept
    // pthread_mutex_clocklock, so it would report every such unlock.
    std::mutex flush_turn_mutex;
    std::condition_variable flush_turn_free;
    bool flush_running = false;
    bool flush_busy_at_exit = false;            // close() found another flush running (see flush.cpp)
    std::atomic<uint64_t> drop_generation{0};   // drop() bumps it: queued retries give up
    std::atomic<bool> closed{false};
    mutable std::mutex info_mutex;
    std::string backend_info;

    void record(Event&& event);
    // With `mutex` held: put the ring back in age order and book its drops.
    void settle_ring_locked();
    // With `mutex` held: the whole buffer, oldest first, leaving it empty.
    std::vector<Event> take_buffer_locked();
    std::shared_ptr<const Metadata> merge_metadata(const Metadata& extra) const;
    Event make_event(std::string_view type, std::string_view name, const Metadata& extra) const;

    // Writes `events` (owed to `pending`) to disk, applies the caps, updates counters (the
    // events move from buffered to spilled). With no store or on failure, the events are
    // dropped with `fallback_reason`. Returns the number spilled.
    // The exit hand-off writes without fsync and leaves the caps to its background helper.
    struct SpillOptions {
        spill::Durability durability = spill::Durability::fsync;
        bool apply_caps = true;
        std::vector<std::string>* written_names = nullptr;  // filled with the files written
    };
    uint64_t spill(std::vector<Event> events, const std::vector<std::string>& pending,
                   std::string_view fallback_reason, const SpillOptions& options);
    uint64_t spill(std::vector<Event> events, const std::vector<std::string>& pending,
                   std::string_view fallback_reason) {
        return spill(std::move(events), pending, fallback_reason, SpillOptions{});
    }
    void enforce_caps();
    FlushReport flush(delivery::DeliveryLimits limits, bool at_exit);
    void persist_counters();
    void drop();
};

namespace detail {
struct CollectorAccess {
    static Collector::Impl& impl(Collector& collector) { return *collector.impl_; }
};

// Collector::open after consent said yes: options carry the data dir and machine id. Also
// what overt-sender opens with the tool's config.
std::unique_ptr<Collector> open_granted(Config config, CollectorOptions options);
}  // namespace detail

}  // namespace overt
