// SPDX-License-Identifier: MIT
// Collector internals: recording (collector.cpp) and opening from config (collector_open.cpp).
// Delivery is the Pipeline's (delivery/pipeline.hpp); the collector owns one and hands it the
// buffer.
#pragma once

#include <overt/collector.hpp>

#include "collector/spin_lock.hpp"
#include "delivery/ledger.hpp"
#include "delivery/pipeline.hpp"
#include "delivery/sink_set.hpp"
#include "spill/spill_store.hpp"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace overt {

struct OVERT_LOCAL Collector::Impl {
    Config config;
    std::atomic<bool> enabled{false};  // false after disable(): nothing more is recorded
    std::string data_dir;
    std::string machine_id;
    std::string consent_reason;
    std::string problem;      // why open_or_disabled() gave a disabled collector; "" if none
    bool local_only = false;  // the file backend into the data dir only
    std::shared_ptr<const Origin> origin;
    std::shared_ptr<const Metadata> base_metadata;  // redacted once

    // Declared before the pipeline, which refers to them.
    delivery::SinkSet sinks;
    std::unique_ptr<spill::SpillStore> store;  // null without a data dir
    delivery::Ledger ledger;
    std::unique_ptr<delivery::Pipeline> pipeline;

    // `mutex` guards the buffer (short sections only); the ledger has its own, taken inside.
    mutable detail::SpinLock mutex;
    std::vector<Event> buffer;
    // Without a data dir a full buffer is a ring: the oldest event is at ring_start.
    size_t ring_start = 0;
    std::atomic<size_t> buffered_hint{0};  // buffer.size(), written under `mutex`, read without it
    std::atomic<bool> closed{false};

    // A thread's events first gather in its own staging shard, under that shard's lock (which
    // only it and a flush take), and enter the buffer in runs: the shared mutex and the ledger
    // are taken once per run, so threads do not meet on every event. A run goes at once when
    // the buffer would be full with it, so one thread rings and spills at the same event as
    // without staging. Every reader of the buffer drains the shards first (take, pending,
    // counters). Lock order: a shard's lock, then `mutex`.
    struct alignas(64) StagingShard {
        detail::SpinLock lock;
        // The first `staged` are this thread's events, oldest first; the rest are slots that
        // were moved from, reused for the next events: constructing a zeroed Event and
        // destroying the moved-from one was a tenth of a track_command (perf: rep stos).
        std::vector<Event> events;
        size_t staged = 0;
        // The collector's origin and base metadata, under a reference count of this shard's
        // own, renewed at each drain: every event holds both, and one count shared by all
        // threads was a cache line they fought over on every event. Renewed, the count of the
        // events a flush destroys is one the recording thread no longer touches.
        std::shared_ptr<const Origin> origin;
        std::shared_ptr<const Metadata> base_metadata;
    };
    static constexpr size_t kStagingShards = 16;  // threads beyond that share shards
    static constexpr size_t kStagedRun = 64;
    std::array<StagingShard, kStagingShards> staging;
    static size_t this_thread_shard();

    // An event is built where it is staged, under the shard's lock: `fill` writes its fields
    // into the shard's next slot (a moved-in event was a move and a destruction per call). A
    // throwing `fill` leaves the slot empty and nothing staged.
    template <typename Fill>
    void record_in_place(Fill&& fill);
    // A fresh reference count for the shard's origin and base metadata (kept as they were if
    // it cannot be allocated).
    void renew_counts(StagingShard& shard) const noexcept;
    // With the shard's lock and `mutex` held: its events into the buffer, as recording put
    // them one by one before staging (ring, counters). With `full`, a buffer that fills is
    // swapped out there to be spilled; without, it may exceed its bound until taken.
    void drain_locked(StagingShard& shard, std::vector<std::vector<Event>>* full);
    // Every shard into the buffer: before it is taken (`full` null: all of it goes at once)
    // or read (a buffer that fills is spilled, as it would have been at record time).
    void drain_staged(std::vector<std::vector<Event>>* full);
    void drain_staged_and_spill();
    // With `mutex` held: put the ring back in age order.
    void settle_ring_locked();
    // The whole buffer, oldest first, leaving it empty.
    std::vector<Event> take_buffer();
    // Unsent events back to the front of the buffer (no data dir), still bounded.
    void requeue(std::vector<Event> events);
    // The base metadata with `extra`'s redacted entries; null for no extra (the base itself).
    std::shared_ptr<const Metadata> merge_metadata(const Metadata& extra) const;
    // A new event's id, time, type, redacted name, origin and metadata (null: the base), into
    // `event`, which is staged in `shard`.
    static void fill_event(Event& event, const StagingShard& shard, EventType type, std::string_view name,
                           std::shared_ptr<const Metadata> metadata);
    // Builds the pipeline once sinks and store are in place.
    void start_pipeline(delivery::Pipeline::ConsentCheck consent_check);
    void drop();
};

namespace detail {
struct CollectorAccess {
    static Collector::Impl& impl(Collector& collector) { return *collector.impl_; }
};
}  // namespace detail

}  // namespace overt
