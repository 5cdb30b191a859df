// SPDX-License-Identifier: MIT
// Flushing: spill files oldest first, then the buffer, fanned out to every sink, with retries
// inside the deadline; what is still owed is re-spilled (at_least_once) or dropped and counted
// (at_most_once).
#include "delivery/pipeline.hpp"

#include "support/bounded_call.hpp"
#include "support/logger.hpp"
#include "support/mask_secrets.hpp"

#include <algorithm>
#include <filesystem>

namespace overt::delivery {

struct Pipeline::FlushContext {
    FlushReport& report;
    DeliveryLimits limits;
    std::function<bool()> cancelled;
};

class Pipeline::FlushTurn {
   public:
    explicit FlushTurn(Pipeline& pipeline) : pipeline_(pipeline) {}
    ~FlushTurn() {
        if (!held_) return;
        {
            std::lock_guard lock(pipeline_.flush_turn_mutex_);
            pipeline_.flush_running_ = false;
        }
        pipeline_.flush_turn_free_.notify_all();
    }
    FlushTurn(const FlushTurn&) = delete;
    FlushTurn& operator=(const FlushTurn&) = delete;
    void wait() {
        std::unique_lock lock(pipeline_.flush_turn_mutex_);
        pipeline_.flush_turn_free_.wait(lock, [this] { return !pipeline_.flush_running_; });
        pipeline_.flush_running_ = held_ = true;
    }
    bool wait_until(Deadline deadline) {
        std::unique_lock lock(pipeline_.flush_turn_mutex_);
        if (!pipeline_.flush_turn_free_.wait_until(lock, deadline, [this] { return !pipeline_.flush_running_; }))
            return false;
        pipeline_.flush_running_ = held_ = true;
        return true;
    }

   private:
    Pipeline& pipeline_;
    bool held_ = false;
};

namespace {

void note(SinkReport& sink_report, const SinkDelivery& result, size_t total) {
    sink_report.retried += result.retries;
    sink_report.sent += result.accepted;
    if (result.outcome != Outcome::delivered) sink_report.failed += total - result.accepted;
    if (result.outcome == Outcome::fatal || result.outcome == Outcome::hung) sink_report.fatal = true;
    for (const auto& message : result.messages) sink_report.messages.push_back(message);
}

void log_outcome(const std::string& id, const SinkDelivery& result, size_t total, const std::string& what) {
    std::string message = result.messages.empty() ? "" : result.messages.back();
    detail::Logger* const log = detail::logger();
    switch (result.outcome) {
        case Outcome::delivered: break;
        case Outcome::rejected:
            log->warn("overt: backend {} rejected {} event(s) of {}: {}", id, total - result.accepted,
                                   what, message);
            break;
        case Outcome::owed:
            log->info("overt: backend {} did not take {} event(s) of {} in time: {}", id,
                                   total - result.accepted, what, message);
            break;
        case Outcome::fatal:
            log->error("overt: backend {} failed and is skipped for this run: {}", id, message);
            break;
        case Outcome::hung:
            log->error(
                "overt: backend {} did not return from a send by its deadline and is abandoned for this run; {} "
                "event(s) of {} are kept for a later run",
                id, total - result.accepted, what);
            break;
    }
}

}  // namespace

Pipeline::Pipeline(const Config& config, SinkSet& sinks, spill::SpillStore* store, Ledger& ledger,
                   RetryPolicy policy, PipelineOwner owner, ConsentCheck consent_check)
    : config_(config),
      sinks_(sinks),
      store_(store),
      ledger_(ledger),
      retry_policy_(policy),
      owner_(std::move(owner)),
      consent_check_(std::move(consent_check)) {}

std::function<bool(const std::string& file)> Pipeline::on_disk() const {
    return [this](const std::string& file) { return store_->contains(file); };
}

void Pipeline::add_sink_reports(FlushReport& report) const {
    for (size_t i = 0; i < sinks_.size(); ++i)
        report.sinks.push_back(SinkReport{sinks_.id(i), sinks_.info(i), 0, 0, 0, false, {}});
}

bool Pipeline::withdrawn() const {
    if (store_ && store_->erased_since_seen()) return true;
    return consent_check_ && !consent_check_();
}

void Pipeline::deliver_to(FlushContext& ctx, size_t sink, const std::shared_ptr<const std::vector<Event>>& events,
                          const std::string& what, SinkDelivery& result) {
    result = deliver(*sinks_.sink(sink), events, ctx.limits, retry_policy_, ctx.cancelled);
    note(ctx.report.sinks[sink], result, events->size());
    log_outcome(sinks_.id(sink), result, events->size(), what);
    if (result.outcome == Outcome::fatal) sinks_.mark_fatal(sink);
    if (result.outcome == Outcome::hung) sinks_.abandon(sink);
}

void Pipeline::flush_spill_file(FlushContext& ctx, const std::string& name) {
    auto claim = store_->claim(name);
    if (!claim) return;  // another process is sending it, or it is gone
    spill::SpillContent content;
    std::string error;
    if (!store_->read(*claim, content, error)) {
        std::string moved = store_->move_aside(*claim);
        detail::logger()->error("overt: spill file {} is unreadable ({}); moved to {}, not sent",
                                (store_->dir() / name).string(), error, moved);
        ledger_.corrupt_file_moved_aside();
        ledger_.file_dropped(name, drop_reason::corrupt);
        ++ctx.report.corrupt_files;
        return;
    }
    if (!content.legacy && !content.tool.empty() && content.tool != config_.tool_name) {
        detail::logger()->debug("overt: spill file {} belongs to tool {}; left alone", name, content.tool);
        return;
    }
    const uint64_t count = content.events.size();
    const bool salvaged = content.undecodable_events > 0;
    if (salvaged) {
        // The events that decode go on; the others are dropped, counted, and leave the disk
        // with the rewrite below.
        detail::logger()->warn("overt: spill file {}: {} event(s) could not be read ({}); the other {} are kept",
                               (store_->dir() / name).string(), content.undecodable_events,
                               content.undecodable_reason, count);
        if (!ledger_.events_lost_from_file(name, content.undecodable_events, drop_reason::corrupt))
            ledger_.foreign_file_dropped(drop_reason::corrupt, content.undecodable_events);
        ctx.report.events_dropped += content.undecodable_events;
    }
    ledger_.adopted(name, count);  // left by an earlier run or another process: now held here
    std::vector<size_t> owed =
        sinks_.positions_of(content.legacy ? std::vector<std::string>{} : content.pending, name);
    // Shared: an abandoned send may keep reading it.
    auto events = std::make_shared<const std::vector<Event>>(std::move(content.events));
    SinkDelivery result;

    if (config_.delivery_mode == DeliveryMode::at_most_once) {
        // Seed semantics: the file goes before the send; a failed send loses its events.
        store_->remove(*claim);
        ledger_.file_to_buffer(name);
        std::vector<bool> failed(count, false);
        for (size_t sink : owed) {
            if (!sinks_.usable(sink) || ctx.cancelled()) {
                std::fill(failed.begin(), failed.end(), true);
                continue;
            }
            deliver_to(ctx, sink, events, name, result);
            for (size_t i = result.accepted; i < count && result.outcome != Outcome::delivered; ++i) failed[i] = true;
        }
        if (ctx.cancelled()) {
            ledger_.dropped_from_buffer(drop_reason::consent_withdrawn, count);
            return;
        }
        uint64_t lost = static_cast<uint64_t>(std::count(failed.begin(), failed.end(), true));
        ledger_.delivered_from_buffer(count - lost, 0, lost);
        ctx.report.events_sent += count - lost;
        ctx.report.events_dropped += lost;
        ++ctx.report.spill_files_done;
        return;
    }

    std::vector<bool> rejected(count, false);
    std::vector<std::string> still_pending;
    for (size_t sink : owed) {
        if (!sinks_.usable(sink) || ctx.cancelled()) {
            still_pending.push_back(sinks_.id(sink));
            continue;
        }
        deliver_to(ctx, sink, events, name, result);
        switch (result.outcome) {
            case Outcome::delivered: break;
            case Outcome::rejected:
                for (size_t i = result.accepted; i < count; ++i) rejected[i] = true;
                break;
            case Outcome::fatal:
            case Outcome::hung:
            case Outcome::owed:
                // The accepted prefix is sent again later: at-least-once, receivers dedupe by event_id.
                still_pending.push_back(sinks_.id(sink));
                break;
        }
    }
    if (ctx.cancelled()) {
        // Withdrawn meanwhile: the file is erased (by drop() or here) and never written back.
        store_->remove(*claim);
        ctx.report.events_dropped += ledger_.file_dropped(name, drop_reason::consent_withdrawn);
        return;
    }
    if (still_pending.empty()) {
        store_->remove(*claim);
        uint64_t refused = static_cast<uint64_t>(std::count(rejected.begin(), rejected.end(), true));
        ledger_.file_delivered(name, refused);
        ctx.report.events_sent += count - refused;
        ctx.report.events_dropped += refused;
        ++ctx.report.spill_files_done;
        return;
    }
    std::vector<std::string> before;
    for (size_t sink : owed) before.push_back(sinks_.id(sink));
    if (still_pending != before || content.legacy || salvaged) {
        content.events = *events;  // a copy: an abandoned send may still read the shared batch
        content.pending = still_pending;
        content.legacy = false;
        if (content.tool.empty()) content.tool = config_.tool_name;
        if (!store_->rewrite(*claim, content, error))
            detail::logger()->warn("overt: cannot update spill file {} ({}); its events may be sent twice", name,
                                   error);
    }
}

// The in-memory batch (no data dir, at_most_once, or what could not be spilled first): every
// sink in turn; what some sink still owes is grouped by the set of sinks owing it and
// re-spilled (at_least_once) or dropped (at_most_once).
void Pipeline::flush_batch(FlushContext& ctx, std::vector<Event> batch, bool at_exit, const Requeue& requeue) {
    const size_t count = batch.size();
    std::vector<uint64_t> owed_mask(count, 0);
    std::vector<bool> rejected(count, false);
    // Shared: an abandoned send may keep reading it.
    auto events = std::make_shared<const std::vector<Event>>(std::move(batch));
    SinkDelivery result;
    for (size_t sink = 0; sink < sinks_.size(); ++sink) {
        const uint64_t bit = uint64_t{1} << sink;
        if (!sinks_.usable(sink)) {
            for (auto& mask : owed_mask) mask |= bit;
            ctx.report.sinks[sink].failed += count;
            continue;
        }
        deliver_to(ctx, sink, events, "the buffer", result);
        for (size_t i = result.accepted; i < count; ++i) {
            if (result.outcome == Outcome::rejected)
                rejected[i] = true;
            else if (result.outcome != Outcome::delivered)
                owed_mask[i] |= bit;
        }
    }
    if (ctx.cancelled()) {  // withdrawn meanwhile: nothing may be kept
        ledger_.dropped_from_buffer(drop_reason::consent_withdrawn, count);
        ctx.report.events_dropped += count;
        return;
    }
    const bool at_most_once = config_.delivery_mode == DeliveryMode::at_most_once;
    uint64_t sent = 0, refused = 0, lost = 0;
    for (size_t i = 0; i < count; ++i) {
        if (owed_mask[i] == 0) {
            rejected[i] ? ++refused : ++sent;
        } else if (at_most_once) {
            ++lost;
        }
    }
    ledger_.delivered_from_buffer(sent, refused, lost);
    ctx.report.events_sent += sent;
    ctx.report.events_dropped += refused + lost;
    if (at_most_once) return;

    // Runs of consecutive events owed to the same sinks become one spill each.
    std::vector<Event> requeued;
    size_t begin = 0;
    while (begin < count) {
        if (owed_mask[begin] == 0) {
            ++begin;
            continue;
        }
        size_t end = begin;
        while (end < count && owed_mask[end] == owed_mask[begin]) ++end;
        std::vector<std::string> pending;
        for (size_t sink = 0; sink < sinks_.size(); ++sink)
            if (owed_mask[begin] & (uint64_t{1} << sink)) pending.push_back(sinks_.id(sink));
        // Copied, not moved: an abandoned send may still read the shared batch.
        std::vector<Event> run(events->begin() + static_cast<ptrdiff_t>(begin),
                               events->begin() + static_cast<ptrdiff_t>(end));
        const uint64_t run_size = run.size();
        if (store_) {
            uint64_t spilled = spill(std::move(run), pending, drop_reason::spill_write_failed, SpillOptions{});
            ctx.report.events_spilled += spilled;
            ctx.report.events_dropped += run_size - spilled;
        } else if (at_exit || !requeue) {
            ledger_.dropped_from_buffer(drop_reason::undeliverable_at_exit, run_size);
            ctx.report.events_dropped += run_size;
        } else {
            for (auto& event : run) requeued.push_back(std::move(event));
        }
        begin = end;
    }
    // No data dir: back to the front of the buffer for the next flush, still bounded.
    if (!requeued.empty()) requeue(std::move(requeued));
}

FlushReport Pipeline::flush(DeliveryLimits limits, const TakeBatch& take, const Requeue& requeue) {
    if (sinks_.all_deferred()) return spill_for_sender(take);
    return flush_in_process(limits, /*at_exit=*/false, take, requeue);
}

FlushReport Pipeline::flush_in_process(DeliveryLimits limits, bool at_exit, const TakeBatch& take,
                                       const Requeue& requeue) {
    const Deadline deadline = limits.deadline;
    FlushReport report;
    FlushTurn turn(*this);
    if (!at_exit) {
        turn.wait();
    } else if (!turn.wait_until(deadline)) {
        // Another thread's flush is still sending (its deadline may be far off): close() must
        // not wait for it. What is buffered goes to disk for a later run instead.
        flush_busy_at_exit_ = true;
        report.deadline_reached = true;
        std::vector<Event> batch = take();
        const uint64_t count = batch.size();
        if (count && store_) {
            uint64_t spilled = spill(std::move(batch), drop_reason::spill_write_failed);
            report.events_spilled += spilled;
            report.events_dropped += count - spilled;
        } else if (count) {
            ledger_.dropped_from_buffer(drop_reason::undeliverable_at_exit, count);
            report.events_dropped += count;
        }
        return report;
    }
    const uint64_t generation = drop_generation_.load();
    FlushContext ctx{report, limits, [this, generation] { return drop_generation_.load() != generation || withdrawn(); }};
    add_sink_reports(report);

    std::vector<Event> batch = take();
    if (withdrawn()) {
        stop_for_withdrawal(report, batch.size());
        persist_counters();
        return report;
    }
    std::vector<std::string> written_first;
    if (store_ && !batch.empty() && config_.delivery_mode == DeliveryMode::at_least_once) {
        // On disk before any sink code sees it. Not fsync'd: the rename keeps it whole if a sink
        // crashes this process; files still owed at the end are made durable below.
        const size_t count = batch.size();
        std::string error;
        const std::vector<spill::WrittenFile> written =
            store_->write(batch, sinks_.ids(), error, spill::Durability::deferred);
        uint64_t on_disk = 0;
        for (const auto& file : written) {
            on_disk += file.event_count;
            written_first.push_back(file.name);
        }
        ledger_.spilled(written, on_disk, drop_reason::spill_write_failed);
        // What could not be written is delivered from memory, and re-spilled if still owed.
        batch.erase(batch.begin(), batch.begin() + static_cast<ptrdiff_t>(std::min<uint64_t>(on_disk, count)));
        if (!written.empty()) enforce_caps();
    }
    if (store_) {
        store_->remove_stale_temps();
        ledger_.note_handed_off(on_disk());
        for (const auto& name : store_->list()) {
            if (ctx.cancelled()) break;
            if (Clock::now() >= deadline) {
                report.deadline_reached = true;
                break;  // the files stay for a later run
            }
            flush_spill_file(ctx, name);
        }
        std::vector<std::string> still_there;
        for (const auto& name : written_first)
            if (ledger_.held_events(name)) still_there.push_back(name);
        store_->make_durable(still_there);
        for (const auto& name : still_there) report.events_spilled += *ledger_.held_events(name);
    }
    if (!batch.empty()) flush_batch(ctx, std::move(batch), at_exit, requeue);
    if (ctx.cancelled() && withdrawn()) stop_for_withdrawal(report, 0);
    if (Clock::now() >= deadline) report.deadline_reached = true;
    persist_counters();
    return report;
}

void Pipeline::stop_for_withdrawal(FlushReport& report, uint64_t buffered) {
    report.consent_withdrawn = true;
    ledger_.dropped_from_buffer(drop_reason::consent_withdrawn, buffered);
    report.events_dropped += buffered;
    if (!erased_elsewhere()) return;
    // The files this process held went with the erasure: booked as withdrawn, not handed off.
    report.events_dropped += ledger_.files_gone(on_disk(), drop_reason::consent_withdrawn);
}

uint64_t Pipeline::spill(std::vector<Event> events, const std::vector<std::string>& pending,
                         std::string_view fallback_reason, const SpillOptions& options) {
    if (events.empty()) return 0;
    std::vector<spill::WrittenFile> written;
    std::string error = "no data dir";
    if (store_) written = store_->write(events, pending, error, options.durability);
    if (options.written_names)
        for (const auto& file : written) options.written_names->push_back(file.name);
    uint64_t spilled = 0;
    for (const auto& file : written) spilled += file.event_count;
    const uint64_t lost = events.size() - spilled;
    const bool erased = lost && erased_elsewhere();
    ledger_.spilled(written, events.size(), erased ? drop_reason::consent_withdrawn : fallback_reason);
    if (lost && !erased)
        detail::logger()->error("overt: {} event(s) of {} could not be spilled and are dropped ({}): {}", lost,
                                config_.tool_name, fallback_reason, error);
    if (!written.empty() && options.apply_caps) enforce_caps();
    return spilled;
}

void Pipeline::enforce_caps() {
    if (!store_) return;
    // Our own files' counts are in the ledger: decoding a pruned file just to count it made
    // every spill past the cap cost a full JSON parse of the oldest file.
    auto pruned = store_->enforce_caps(config_.spill_max_files, config_.spill_max_bytes,
                                       [this](const std::string& name, size_t& event_count) {
                                           auto held = ledger_.held_events(name);
                                           if (!held) return false;
                                           event_count = static_cast<size_t>(*held);
                                           return true;
                                       });
    if (pruned.empty()) return;
    uint64_t events = 0;
    for (const auto& file : pruned) {
        uint64_t count = ledger_.file_dropped(file.name, drop_reason::spill_cap);
        if (!count && file.event_count) {
            count = file.event_count;
            ledger_.foreign_file_dropped(drop_reason::spill_cap, count);
        }
        events += count;
    }
    detail::logger()->warn(
        "overt: spill cap reached (max_files {}, max_bytes {}): removed {} oldest spill file(s), discarding {} "
        "unsent event(s)",
        config_.spill_max_files, config_.spill_max_bytes, pruned.size(), events);
}

void Pipeline::flush_sinks_at_exit(Deadline end) {
    for (size_t i = 0; i < sinks_.size(); ++i) {
        if (!sinks_.usable(i)) continue;
        Sink* sink = sinks_.sink(i);
        auto result = support::call_with_watchdog([sink, end] { return sink->flush(end); }, end);
        if (!result) {
            detail::logger()->warn("overt: backend {} did not finish flushing by the deadline; abandoned",
                                   sinks_.id(i));
            sinks_.abandon(i);
        } else if (result->status != SendStatus::ok) {
            detail::logger()->warn("overt: backend {} could not flush: {}", sinks_.id(i), support::mask_secrets(result->message));
        }
    }
}

}  // namespace overt::delivery
