// Flush and close: spill files oldest first, then the buffer, fanned out to every sink, with
// retries inside the deadline; what is still owed is re-spilled (at_least_once) or dropped and
// counted (at_most_once).
#include "collector/collector_impl.hpp"

#include "support/logger.hpp"
#include "delivery/background_handoff.hpp"
#include "support/bounded_call.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

namespace overt {
namespace {

using delivery::Outcome;

// How long past its deadline a send may run before it is abandoned (outside close()).
constexpr auto kSendGrace = std::chrono::milliseconds(100);

struct FlushContext {
    Collector::Impl& impl;
    FlushReport& report;
    delivery::DeliveryLimits limits;
    std::function<bool()> cancelled;
};

// A sink whose send never returned: the call still runs inside it, so it is skipped for the
// rest of the run and kept alive forever instead of destroyed under that call.
void abandon_sink(Collector::Impl& impl, size_t sink) {
    impl.sink_unavailable[sink] = true;
    if (!impl.sinks[sink]) return;
    support::abandon_forever(std::shared_ptr<Sink>(std::move(impl.sinks[sink])));
    impl.sink_abandoned = true;
}

// Marks the sink as skipped after fatal or hung.
void after_delivery(Collector::Impl& impl, size_t sink, const delivery::SinkDelivery& result) {
    if (result.outcome == Outcome::fatal) impl.sink_unavailable[sink] = true;
    if (result.outcome == Outcome::hung) abandon_sink(impl, sink);
}

void note(SinkReport& sink_report, const delivery::SinkDelivery& result, size_t total) {
    sink_report.retried += result.retries;
    sink_report.sent += result.accepted;
    if (result.outcome != Outcome::delivered) sink_report.failed += total - result.accepted;
    if (result.outcome == Outcome::fatal || result.outcome == Outcome::hung) sink_report.fatal = true;
    for (const auto& message : result.messages) sink_report.messages.push_back(message);
}

void log_outcome(const Collector::Impl& impl, size_t sink, const delivery::SinkDelivery& result, size_t total,
                 const std::string& what) {
    const auto& id = impl.sink_ids[sink];
    std::string message = result.messages.empty() ? "" : result.messages.back();
    switch (result.outcome) {
        case Outcome::delivered: break;
        case Outcome::rejected:
            detail::logger()->warn("overt: backend {} rejected {} event(s) of {}: {}", id, total - result.accepted,
                                   what, message);
            break;
        case Outcome::owed:
            detail::logger()->info("overt: backend {} did not take {} event(s) of {} in time: {}", id,
                                   total - result.accepted, what, message);
            break;
        case Outcome::fatal:
            detail::logger()->error("overt: backend {} failed and is skipped for this run: {}", id, message);
            break;
        case Outcome::hung:
            detail::logger()->error(
                "overt: backend {} did not return from a send by its deadline and is abandoned for this run; {} "
                "event(s) of {} are kept for a later run",
                id, total - result.accepted, what);
            break;
    }
}

// Spill-file pending ids -> sink positions. None we know (the config changed): every sink.
std::vector<size_t> owed_sinks(const Collector::Impl& impl, const spill::SpillContent& content,
                               const std::string& name) {
    std::vector<size_t> owed;
    if (!content.legacy && !content.pending.empty()) {
        for (const auto& id : content.pending) {
            auto it = std::find(impl.sink_ids.begin(), impl.sink_ids.end(), id);
            if (it != impl.sink_ids.end())
                owed.push_back(static_cast<size_t>(it - impl.sink_ids.begin()));
            else
                detail::logger()->warn("overt: spill file {} is owed to backend \"{}\", which is no longer configured",
                                       name, id);
        }
    }
    if (owed.empty())
        for (size_t i = 0; i < impl.sink_ids.size(); ++i) owed.push_back(i);
    return owed;
}

void note_handed_off_files(Collector::Impl& impl) {
    std::lock_guard lock(impl.mutex);
    for (auto it = impl.own_files.begin(); it != impl.own_files.end();) {
        std::error_code ec;
        if (!std::filesystem::exists(impl.store->dir() / it->first, ec) && !ec) {
            impl.counters.spilled -= it->second;
            impl.counters.handed_off += it->second;
            it = impl.own_files.erase(it);
        } else {
            ++it;
        }
    }
}

void flush_spill_file(FlushContext& ctx, const std::string& name) {
    Collector::Impl& impl = ctx.impl;
    auto claim = impl.store->claim(name);
    if (!claim) return;  // another process is sending it, or it is gone
    spill::SpillContent content;
    std::string error;
    if (!impl.store->read(*claim, content, error)) {
        std::string moved = impl.store->move_aside(*claim);
        detail::logger()->error("overt: spill file {} is unreadable ({}); moved to {}, not sent",
                                (impl.store->dir() / name).string(), error, moved);
        std::lock_guard lock(impl.mutex);
        ++impl.counters.corrupt_files;
        ++ctx.report.corrupt_files;
        if (auto own = impl.own_files.find(name); own != impl.own_files.end()) {
            impl.counters.spilled -= own->second;
            impl.counters.dropped[std::string(drop_reason::corrupt)] += own->second;
            impl.own_files.erase(own);
        }
        return;
    }
    if (!content.legacy && !content.tool.empty() && content.tool != impl.config.tool_name) {
        detail::logger()->debug("overt: spill file {} belongs to tool {}; left alone", name, content.tool);
        return;
    }
    const uint64_t count = content.events.size();
    {
        std::lock_guard lock(impl.mutex);
        if (!impl.own_files.count(name)) {  // left by an earlier run or another process: adopt it
            impl.counters.tracked += count;
            impl.counters.recovered += count;
            impl.counters.spilled += count;
            impl.own_files[name] = count;
        }
    }
    std::vector<size_t> owed = owed_sinks(impl, content, name);
    // Shared: an abandoned send may keep reading it.
    auto events = std::make_shared<const std::vector<Event>>(std::move(content.events));

    if (impl.config.delivery_mode == DeliveryMode::at_most_once) {
        // Seed semantics: the file goes before the send; a failed send loses its events.
        impl.store->remove(*claim);
        {
            std::lock_guard lock(impl.mutex);
            impl.own_files.erase(name);
            impl.counters.spilled -= count;
            impl.counters.buffered += count;
        }
        std::vector<bool> failed(count, false);
        for (size_t sink : owed) {
            if (impl.sink_unavailable[sink]) {
                std::fill(failed.begin(), failed.end(), true);
                continue;
            }
            auto result = delivery::deliver(*impl.sinks[sink], events, ctx.limits, impl.retry_policy, ctx.cancelled);
            note(ctx.report.sinks[sink], result, count);
            log_outcome(impl, sink, result, count, name);
            after_delivery(impl, sink, result);
            for (size_t i = result.accepted; i < count && result.outcome != Outcome::delivered; ++i) failed[i] = true;
        }
        uint64_t lost = static_cast<uint64_t>(std::count(failed.begin(), failed.end(), true));
        std::lock_guard lock(impl.mutex);
        impl.counters.buffered -= count;
        impl.counters.sent += count - lost;
        if (lost) impl.counters.dropped[std::string(drop_reason::at_most_once_failure)] += lost;
        ctx.report.events_sent += count - lost;
        ctx.report.events_dropped += lost;
        ++ctx.report.spill_files_done;
        return;
    }

    std::vector<bool> rejected(count, false);
    std::vector<std::string> still_pending;
    for (size_t sink : owed) {
        if (impl.sink_unavailable[sink] || ctx.cancelled()) {
            still_pending.push_back(impl.sink_ids[sink]);
            continue;
        }
        auto result = delivery::deliver(*impl.sinks[sink], events, ctx.limits, impl.retry_policy, ctx.cancelled);
        note(ctx.report.sinks[sink], result, count);
        log_outcome(impl, sink, result, count, name);
        after_delivery(impl, sink, result);
        switch (result.outcome) {
            case Outcome::delivered: break;
            case Outcome::rejected:
                for (size_t i = result.accepted; i < count; ++i) rejected[i] = true;
                break;
            case Outcome::fatal:
            case Outcome::hung:
            case Outcome::owed:
                // The accepted prefix is sent again later: at-least-once, receivers dedupe by event_id.
                still_pending.push_back(impl.sink_ids[sink]);
                break;
        }
    }
    if (ctx.cancelled()) return;  // drop() erased the file and counted it
    if (still_pending.empty()) {
        impl.store->remove(*claim);
        uint64_t refused = static_cast<uint64_t>(std::count(rejected.begin(), rejected.end(), true));
        std::lock_guard lock(impl.mutex);
        impl.own_files.erase(name);
        impl.counters.spilled -= count;
        impl.counters.sent += count - refused;
        if (refused) impl.counters.dropped[std::string(drop_reason::rejected)] += refused;
        ctx.report.events_sent += count - refused;
        ctx.report.events_dropped += refused;
        ++ctx.report.spill_files_done;
        return;
    }
    std::vector<std::string> before;
    for (size_t sink : owed) before.push_back(impl.sink_ids[sink]);
    if (still_pending != before || content.legacy) {
        content.events = *events;  // a copy: an abandoned send may still read the shared batch
        content.pending = still_pending;
        content.legacy = false;
        if (content.tool.empty()) content.tool = impl.config.tool_name;
        if (!impl.store->rewrite(*claim, content, error))
            detail::logger()->warn("overt: cannot update spill file {} ({}); its events may be sent twice", name,
                                   error);
    }
}

// Holds the collector's one flush turn while alive.
class FlushTurn {
   public:
    explicit FlushTurn(Collector::Impl& impl) : impl_(impl) {}
    ~FlushTurn() {
        if (!held_) return;
        {
            std::lock_guard lock(impl_.flush_turn_mutex);
            impl_.flush_running = false;
        }
        impl_.flush_turn_free.notify_all();
    }
    FlushTurn(const FlushTurn&) = delete;
    FlushTurn& operator=(const FlushTurn&) = delete;
    void wait() {
        std::unique_lock lock(impl_.flush_turn_mutex);
        impl_.flush_turn_free.wait(lock, [this] { return !impl_.flush_running; });
        impl_.flush_running = held_ = true;
    }
    bool wait_until(Deadline deadline) {
        std::unique_lock lock(impl_.flush_turn_mutex);
        if (!impl_.flush_turn_free.wait_until(lock, deadline, [this] { return !impl_.flush_running; })) return false;
        impl_.flush_running = held_ = true;
        return true;
    }

   private:
    Collector::Impl& impl_;
    bool held_ = false;
};

// The buffer's batch: every sink in turn; what some sink still owes is grouped by the set of
// sinks owing it and re-spilled (at_least_once) or dropped (at_most_once).
void flush_batch(FlushContext& ctx, std::vector<Event> batch, bool at_exit) {
    Collector::Impl& impl = ctx.impl;
    const size_t count = batch.size();
    std::vector<uint64_t> owed_mask(count, 0);
    std::vector<bool> rejected(count, false);
    // Shared: an abandoned send may keep reading it.
    auto events = std::make_shared<const std::vector<Event>>(std::move(batch));
    for (size_t sink = 0; sink < impl.sink_ids.size(); ++sink) {
        const uint64_t bit = uint64_t{1} << sink;
        if (impl.sink_unavailable[sink]) {
            for (auto& mask : owed_mask) mask |= bit;
            ctx.report.sinks[sink].failed += count;
            continue;
        }
        auto result = delivery::deliver(*impl.sinks[sink], events, ctx.limits, impl.retry_policy, ctx.cancelled);
        note(ctx.report.sinks[sink], result, count);
        log_outcome(impl, sink, result, count, "the buffer");
        after_delivery(impl, sink, result);
        for (size_t i = result.accepted; i < count; ++i) {
            if (result.outcome == Outcome::rejected)
                rejected[i] = true;
            else if (result.outcome != Outcome::delivered)
                owed_mask[i] |= bit;
        }
    }
    if (ctx.cancelled()) {  // drop() happened meanwhile: nothing may be kept
        std::lock_guard lock(impl.mutex);
        impl.counters.buffered -= count;
        impl.counters.dropped[std::string(drop_reason::consent_withdrawn)] += count;
        return;
    }
    const bool at_most_once = impl.config.delivery_mode == DeliveryMode::at_most_once;
    uint64_t sent = 0, refused = 0, lost = 0;
    for (size_t i = 0; i < count; ++i) {
        if (owed_mask[i] == 0) {
            rejected[i] ? ++refused : ++sent;
        } else if (at_most_once) {
            ++lost;
        }
    }
    {
        std::lock_guard lock(impl.mutex);
        impl.counters.buffered -= sent + refused + lost;
        impl.counters.sent += sent;
        if (refused) impl.counters.dropped[std::string(drop_reason::rejected)] += refused;
        if (lost) impl.counters.dropped[std::string(drop_reason::at_most_once_failure)] += lost;
    }
    ctx.report.events_sent += sent;
    ctx.report.events_dropped += refused + lost;
    if (at_most_once) return;

    // Runs of consecutive events owed to the same sinks become one spill each.
    size_t begin = 0;
    while (begin < count) {
        if (owed_mask[begin] == 0) {
            ++begin;
            continue;
        }
        size_t end = begin;
        while (end < count && owed_mask[end] == owed_mask[begin]) ++end;
        std::vector<std::string> pending;
        for (size_t sink = 0; sink < impl.sink_ids.size(); ++sink)
            if (owed_mask[begin] & (uint64_t{1} << sink)) pending.push_back(impl.sink_ids[sink]);
        // Copied, not moved: an abandoned send may still read the shared batch.
        std::vector<Event> run(events->begin() + static_cast<ptrdiff_t>(begin),
                               events->begin() + static_cast<ptrdiff_t>(end));
        const uint64_t run_size = run.size();
        if (impl.store) {
            uint64_t spilled = impl.spill(std::move(run), pending, drop_reason::spill_write_failed);
            ctx.report.events_spilled += spilled;
            ctx.report.events_dropped += run_size - spilled;
        } else if (at_exit) {
            std::lock_guard lock(impl.mutex);
            impl.counters.buffered -= run_size;
            impl.counters.dropped[std::string(drop_reason::undeliverable_at_exit)] += run_size;
            ctx.report.events_dropped += run_size;
        } else {
            // No data dir: back to the front of the buffer for the next flush, still bounded (B2).
            std::lock_guard lock(impl.mutex);
            impl.settle_ring_locked();
            impl.buffer.insert(impl.buffer.begin(), std::make_move_iterator(run.begin()),
                               std::make_move_iterator(run.end()));
            if (impl.buffer.size() > impl.config.buffer_max_events) {
                const size_t excess = impl.buffer.size() - impl.config.buffer_max_events;
                impl.buffer.erase(impl.buffer.begin(), impl.buffer.begin() + static_cast<ptrdiff_t>(excess));
                impl.counters.buffered -= excess;
                impl.counters.dropped[std::string(drop_reason::no_data_dir_overflow)] += excess;
                ctx.report.events_dropped += excess;
            }
        }
        begin = end;
    }
}

}  // namespace

FlushReport Collector::Impl::flush(delivery::DeliveryLimits limits, bool at_exit) {
    const Deadline deadline = limits.deadline;
    FlushReport report;
    if (!enabled) return report;
    FlushTurn turn(*this);
    if (!at_exit) {
        turn.wait();
        // close() ran while this flush waited: the sinks are being released.
        if (closed.load()) return report;
    } else if (!turn.wait_until(deadline)) {
        // Another thread's flush is still sending (its deadline may be far off): close() must
        // not wait for it. What is buffered goes to disk for a later run instead.
        flush_busy_at_exit = true;
        report.deadline_reached = true;
        std::vector<Event> batch;
        {
            std::lock_guard lock(mutex);
            batch = take_buffer_locked();
        }
        const uint64_t count = batch.size();
        if (count && store) {
            uint64_t spilled = spill(std::move(batch), sink_ids, drop_reason::spill_write_failed);
            report.events_spilled += spilled;
            report.events_dropped += count - spilled;
        } else if (count) {
            std::lock_guard lock(mutex);
            counters.buffered -= count;
            counters.dropped[std::string(drop_reason::undeliverable_at_exit)] += count;
            report.events_dropped += count;
        }
        return report;
    }
    const uint64_t generation = drop_generation.load();
    FlushContext ctx{*this, report, limits, [this, generation] { return drop_generation.load() != generation; }};
    for (size_t i = 0; i < sink_ids.size(); ++i)
        report.sinks.push_back(SinkReport{sink_ids[i], sink_info[i], 0, 0, 0, false, {}});

    if (store) {
        store->remove_stale_temps();
        note_handed_off_files(*this);
        for (const auto& name : store->list()) {
            if (ctx.cancelled()) break;
            if (Clock::now() >= deadline) {
                report.deadline_reached = true;
                break;  // the files stay for a later run
            }
            flush_spill_file(ctx, name);
        }
    }
    std::vector<Event> batch;
    {
        std::lock_guard lock(mutex);
        batch = take_buffer_locked();
    }
    if (!batch.empty()) flush_batch(ctx, std::move(batch), at_exit);
    if (Clock::now() >= deadline) report.deadline_reached = true;
    persist_counters();
    return report;
}

FlushReport Collector::flush() {
    return flush(Clock::now() + std::chrono::milliseconds(impl_->config.flush_timeout_ms));
}

FlushReport Collector::flush(Deadline deadline) {
    if (impl_->closed.load()) return {};
    return impl_->flush({deadline, deadline + kSendGrace}, /*at_exit=*/false);
}

FlushReport Collector::close() {
    Impl& impl = *impl_;
    if (impl.closed.exchange(true)) return {};
    FlushReport report;
    // exit_delivery: background spills and leaves the sending to a detached helper process.
    const bool handed_off =
        impl.config.exit_delivery == ExitDelivery::background && delivery::hand_off_at_exit(impl, report);
    if (!handed_off) {
        const auto start = Clock::now();
        const auto budget = std::chrono::milliseconds(std::max<int64_t>(impl.config.exit_budget_ms, 0));
        // Keep a slice of the budget for writing what could not be sent to disk.
        // A send still running at the middle of that slice is abandoned (a sink ignoring its deadline).
        const auto reserve = std::min<Clock::duration>(std::chrono::milliseconds(50), budget / 4);
        report = impl.flush({start + budget - reserve, start + budget - reserve / 2}, /*at_exit=*/true);
        const Deadline end = start + budget;
        for (size_t i = 0; i < impl.sinks.size() && !impl.flush_busy_at_exit; ++i) {
            if (!impl.sinks[i] || impl.sink_unavailable[i]) continue;
            Sink* sink = impl.sinks[i].get();
            auto result = support::call_with_watchdog([sink, end] { return sink->flush(end); }, end);
            if (!result) {
                detail::logger()->warn("overt: backend {} did not finish flushing by the exit budget; abandoned",
                                       impl.sink_ids[i]);
                abandon_sink(impl, i);
            } else if (result->status != SendStatus::ok) {
                detail::logger()->warn("overt: backend {} could not flush at exit: {}", impl.sink_ids[i],
                                       result->message);
            }
        }
    }
    if (impl.flush_busy_at_exit) {
        // That flush still uses the sinks: they are released with the collector, not here.
        detail::logger()->warn("overt: closing {} while another thread is flushing; buffered events were spilled",
                               impl.config.tool_name);
        return report;
    }
    impl.sinks.clear();  // releases plugin instances
    // An abandoned call may still run plugin code: the host (and its libraries) must stay.
    if (impl.sink_abandoned && impl.plugin_host)
        support::abandon_forever(std::shared_ptr<PluginHost>(std::move(impl.plugin_host)));
    impl.plugin_host.reset();
    return report;
}

}  // namespace overt
