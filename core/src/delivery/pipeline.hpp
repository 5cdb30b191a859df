// SPDX-License-Identifier: MIT
// The delivery pipeline of one process: built from a SinkSet, a SpillStore, a Ledger and a retry
// policy, it owns flushing (spill files oldest first, then the buffer, fanned out to every sink
// with retries inside the deadline), the spill caps and the exit hand-off to overt-sender.
// The collector owns one and hands it batches; overt-sender builds one from its request.
//
// Where at_least_once is promised and a data dir exists, a batch is on disk before any sink
// code touches it: the buffer is spilled first and delivered from its spill file, so a sink that
// crashes the process loses nothing.
#pragma once

#include "delivery/deliver.hpp"
#include "delivery/ledger.hpp"
#include "delivery/sink_set.hpp"
#include "spill/spill_store.hpp"

#include <overt/collector.hpp>
#include <overt/config.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace overt::delivery {

// Whose events these are: what overt-sender needs to carry on for this process.
struct PipelineOwner {
    std::string data_dir;
    std::string machine_id;
};

class Pipeline {
   public:
    // Takes the buffer (called once the flush has its turn); puts unsent events back (only
    // without a data dir, outside close()).
    using TakeBatch = std::function<std::vector<Event>()>;
    using Requeue = std::function<void(std::vector<Event>)>;
    // Asked before every send: false once the user withdrew consent (re-read from disk).
    using ConsentCheck = std::function<bool()>;

    Pipeline(const Config& config, SinkSet& sinks, spill::SpillStore* store, Ledger& ledger, RetryPolicy policy,
             PipelineOwner owner, ConsentCheck consent_check = {});

    // In-process sinks: delivers within `limits`. Deferred sinks (overt-sender's): spills the
    // batch and starts a sender.
    FlushReport flush(DeliveryLimits limits, const TakeBatch& take, const Requeue& requeue);
    // Exit: hands off to a sender (exit_delivery: background) or delivers within
    // exit_budget_ms and spills what is left; then flushes and releases the sinks.
    FlushReport close(const TakeBatch& take);
    // overt-sender's (or the forked helper's) part after the tool exited: makes the tool's exit
    // spill durable, applies the caps, then deliver_pending().
    void deliver_after_exit(const std::vector<std::string>& exit_spill_files, Deadline deadline);
    // Every spill file on disk, oldest first, then the sinks' own flush.
    void deliver_pending(Deadline deadline);

    struct SpillOptions {
        spill::Durability durability = spill::Durability::fsync;
        bool apply_caps = true;
        std::vector<std::string>* written_names = nullptr;  // filled with the files written
    };
    // Writes buffered `events` (owed to `pending`) to disk and books them as spilled; what
    // cannot be written is dropped for `fallback_reason` (or consent_withdrawn when the data dir
    // was erased meanwhile). Returns the number spilled.
    uint64_t spill(std::vector<Event> events, const std::vector<std::string>& pending,
                   std::string_view fallback_reason, const SpillOptions& options);
    uint64_t spill(std::vector<Event> events, std::string_view fallback_reason) {
        return spill(std::move(events), sinks_.ids(), fallback_reason, SpillOptions{});
    }
    void enforce_caps();
    void persist_counters() { ledger_.persist(owner_.data_dir); }

    // Queued retries and waits give up; what a running flush holds is dropped, not kept.
    void cancel() { drop_generation_.fetch_add(1); }
    // The user withdrew consent or another process erased the data dir since this process
    // last looked: nothing may be sent or written back.
    bool withdrawn() const;
    // Another process erased the data dir: what this one held is gone (caller drops its buffer).
    bool erased_elsewhere() const { return store_ && store_->erased_since_seen(); }
    void accept_erasure() {
        if (store_) store_->accept_erasure();
    }

    SinkSet& sinks() { return sinks_; }

   private:
    struct FlushContext;
    // Whether a spill file is still in the data dir (held files another process took are not).
    std::function<bool(const std::string& file)> on_disk() const;
    // One empty SinkReport per sink, in order.
    void add_sink_reports(FlushReport& report) const;
    FlushReport flush_in_process(DeliveryLimits limits, bool at_exit, const TakeBatch& take, const Requeue& requeue);
    FlushReport spill_for_sender(const TakeBatch& take);
    void flush_spill_file(FlushContext& ctx, const std::string& name);
    void flush_batch(FlushContext& ctx, std::vector<Event> batch, bool at_exit, const Requeue& requeue);
    void deliver_to(FlushContext& ctx, size_t sink, const std::shared_ptr<const std::vector<Event>>& events,
                    const std::string& what, SinkDelivery& result);
    void flush_sinks_at_exit(Deadline end);
    // Consent withdrawn or data dir erased: `buffered` events and the erased held files are
    // dropped, counted; nothing is sent or written back.
    void stop_for_withdrawal(FlushReport& report, uint64_t buffered);
    // Needs a store. False (the batch already spilled) when the in-process sinks must deliver here.
    bool hand_off_at_exit(std::vector<Event> batch, FlushReport& report);
    bool spawn_sender_program(const std::vector<std::string>& exit_spill_files);
    void finish_exit_spill(const std::vector<std::string>& exit_spill_files);

    // One flush at a time per process. A flag and a condition variable rather than a
    // timed_mutex: close() waits with a deadline, and TSan (GCC 12) does not intercept
    // pthread_mutex_clocklock, so it would report every such unlock.
    class FlushTurn;
    std::mutex flush_turn_mutex_;
    std::condition_variable flush_turn_free_;
    bool flush_running_ = false;
    bool flush_busy_at_exit_ = false;  // close() found another flush running: sinks stay alive

    const Config& config_;
    SinkSet& sinks_;
    spill::SpillStore* store_;
    Ledger& ledger_;
    RetryPolicy retry_policy_;
    PipelineOwner owner_;
    ConsentCheck consent_check_;
    std::atomic<uint64_t> drop_generation_{0};
};

}  // namespace overt::delivery
