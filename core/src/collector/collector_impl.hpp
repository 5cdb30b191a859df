// SPDX-License-Identifier: MIT
// Collector internals: recording (collector.cpp) and opening from config (collector_open.cpp).
// Delivery is the Pipeline's (delivery/pipeline.hpp); the collector owns one and hands it the
// buffer.
#pragma once

#include <overt/collector.hpp>

#include "delivery/ledger.hpp"
#include "delivery/pipeline.hpp"
#include "delivery/sink_set.hpp"
#include "spill/spill_store.hpp"

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
    mutable std::mutex mutex;
    std::vector<Event> buffer;
    // Without a data dir a full buffer is a ring: the oldest event is at ring_start.
    size_t ring_start = 0;
    std::atomic<bool> closed{false};

    void record(Event&& event);
    // With `mutex` held: put the ring back in age order.
    void settle_ring_locked();
    // The whole buffer, oldest first, leaving it empty.
    std::vector<Event> take_buffer();
    // Unsent events back to the front of the buffer (no data dir), still bounded.
    void requeue(std::vector<Event> events);
    std::shared_ptr<const Metadata> merge_metadata(const Metadata& extra) const;
    Event make_event(std::string_view type, std::string_view name, const Metadata& extra) const;
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
