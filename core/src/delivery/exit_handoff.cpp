// SPDX-License-Identifier: MIT
// The exit path. With exit_delivery: background (the default) close() does not send: it spills
// what is buffered (0600, renamed into place, not yet fsynced) and hands the data dir's spill
// files to overt-sender, which fsyncs that spill, applies the spill caps, loads the plugins and
// delivers with the normal retry rules, claiming files with flock like any other process of the
// tool. overt-sender is started through overt-detach (posix_spawn of a libc-only launcher that
// forks the sender and exits, so the sender is an orphan in its own session), stdout on
// /dev/null, stderr appended to <data_dir>/sender.log, and is given the config, the counters and
// the spill file names over a socket (sender_request.hpp): the tool exits in about the time of
// one spill write and one small process start, and no plugin code ever runs in it.
//
// A collector built from in-process Sink objects, or a libovert without its overt-sender,
// falls back to a double fork + setsid of the tool itself (stdio on /dev/null), which costs the
// tool the fork and copy-on-write faults. If the sender dies, the files stay for the next run.
// Windows has no fork: there the files wait for the next run, and in-process sinks deliver
// within exit_budget_ms (sender_process_windows.cpp).
#include "delivery/pipeline.hpp"

#include "delivery/sender_process.hpp"
#include "delivery/sender_request.hpp"
#include "delivery/sender_spawn.hpp"
#include "delivery/sink_loading.hpp"
#include "platform/fd.hpp"
#include "platform/system.hpp"
#include "support/logger.hpp"
#include "support/mask_secrets.hpp"

#include <overt/plugins.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace overt::delivery {
namespace {

// How long past its deadline a send may run before it is abandoned in the sender.
constexpr auto kSenderSendGrace = std::chrono::milliseconds(500);

bool sender_requested_by_name() {
    const char* sender = platform::trusted_getenv("OVERT_SENDER");
    return sender && *sender;
}

}  // namespace

// What close() wrote for the sender without fsync; made durable and capped off the tool's exit path.
void Pipeline::finish_exit_spill(const std::vector<std::string>& exit_spill_files) {
    if (!store_) return;
    store_->make_durable(exit_spill_files);
    if (!exit_spill_files.empty()) enforce_caps();
}

void Pipeline::deliver_after_exit(const std::vector<std::string>& exit_spill_files, Deadline deadline) {
    finish_exit_spill(exit_spill_files);
    deliver_pending(deadline);
}

void Pipeline::deliver_pending(Deadline deadline) {
    flush_in_process(DeliveryLimits{deadline, deadline + kSenderSendGrace}, /*at_exit=*/true,
                     [] { return std::vector<Event>{}; }, {});
    flush_sinks_at_exit(deadline);
}

// overt-sender rebuilds the backends from the config, so only sinks that all came from the
// config can be handed to it; in-process Sink objects go to a forked helper instead.
bool Pipeline::spawn_sender_program(const std::vector<std::string>& exit_spill_files) {
    std::string why;
    const std::string program = find_sender_program(why);
    if (program.empty()) {
        // Asked for by name (OVERT_SENDER) and unusable is worth a warning; a libovert
        // installed without its sender is not.
        detail::logger()->log(sender_requested_by_name() ? detail::LogLevel::warn : detail::LogLevel::debug,
                              "overt: no sender program ({}); forking the sender", why);
        return false;
    }
    SenderRequest request;
    request.config = config_;
    request.config.data_dir = owner_.data_dir;
    // The search path as this process resolved it (its OVERT_PLUGIN_PATH, the plugin dir
    // beside its binary): the sender loads the very plugins the tool would.
    request.config.plugin_dirs = plugin_search_path(config_.plugin_dirs);
    request.machine_id = owner_.machine_id;
    request.exit_spill_files = exit_spill_files;
    Ledger::Handover books = ledger_.hand_over();
    request.counters = std::move(books.counters);
    request.persisted_base = std::move(books.persisted_base);
    request.own_files = std::move(books.own_files);
    request.masked_values = support::masked_values();
    const std::string log_path = (store_->dir() / kSenderLogName).string();
    const auto write_timeout = std::chrono::milliseconds(std::clamp<int64_t>(config_.exit_budget_ms, 1, 1000));
    std::string error;
    // Held by the sender for its whole life (the tool's copy closes below).
    const int sender_lock = lock_for_sender(owner_.data_dir);
    const bool started =
        spawn_sender(program, encode_sender_request(request), log_path, sender_lock, write_timeout, error);
    if (sender_lock >= 0) platform::close_file(sender_lock);
    if (!started) {
        detail::logger()->warn("overt: cannot start {} ({}); forking the sender", program, error);
        return false;
    }
    return true;
}

bool Pipeline::hand_off_at_exit(std::vector<Event> batch, FlushReport& report) {
    const size_t buffered = batch.size();
    // No fsync here (a file and a directory fsync were most of close()'s time): the rename
    // keeps the file whole against a crash of this process, and the sender fsyncs it at once;
    // only a power cut within those milliseconds could lose it.
    std::vector<std::string> exit_spill_files;
    SpillOptions options;
    options.durability = spill::Durability::deferred;
    options.apply_caps = false;
    options.written_names = &exit_spill_files;
    if (buffered) {
        const uint64_t spilled = spill(std::move(batch), sinks_.ids(), drop_reason::spill_write_failed, options);
        report.events_spilled += spilled;
        report.events_dropped += buffered - spilled;
        if (sinks_.all_deferred()) report.events_handed_to_sender += spilled;
    }
    if (buffered == 0 && store_->list().empty()) {
        persist_counters();
        return true;  // nothing to send: no sender
    }
    const bool from_config = sinks_.all_deferred();
    if (from_config && sender_running(owner_.data_dir)) {
        // One sender per data dir: the running one looks for new spill files before it exits
        // (and makes them durable). This process's books go to counters.json without fsync:
        // statistics, not on the exit path's clock.
        ledger_.persist(owner_.data_dir, support::Durability::deferred);
        return true;
    }
    // Counters are not persisted here (two fsyncs): the sender's flush persists this process's
    // unpersisted totals together with its own sends.
    if (from_config && spawn_sender_program(exit_spill_files)) return true;

    // The forked helper inherits this descriptor and its lock; the tool's copy is closed.
    const int sender_lock = lock_for_sender(owner_.data_dir);
    const DetachedHelper helper = run_in_detached_helper(sender_lock, [&] {
        // A helper stuck on a lock some other thread of the tool held at fork time, or on a
        // peer, dies at the alarm; its spill files wait for the next run.
        const Deadline deadline = arm_helper_alarm(config_.flush_timeout_ms);
        if (from_config) {
            // The plugins load here, in the helper, never in the tool.
            SinkSet loaded = load_sinks(config_, owner_.data_dir,
                                        std::chrono::milliseconds(std::max<int64_t>(config_.flush_timeout_ms, 100)));
            Pipeline helper_pipeline(config_, loaded, store_, ledger_, retry_policy_, owner_, consent_check_);
            helper_pipeline.deliver_after_exit(exit_spill_files, deadline);
        } else {
            deliver_after_exit(exit_spill_files, deadline);
        }
    });
    if (helper == DetachedHelper::could_not_fork || helper == DetachedHelper::unsupported) {
        if (helper == DetachedHelper::could_not_fork)
            detail::logger()->warn("overt: cannot start the background sender ({}); {}", std::strerror(errno),
                                   from_config ? "the spill files wait for the next run" : "sending before exit");
        finish_exit_spill(exit_spill_files);
        if (from_config) persist_counters();
        return from_config;
    }
    if (helper == DetachedHelper::did_not_start) {
        finish_exit_spill(exit_spill_files);
        persist_counters();
        detail::logger()->info("overt: the background sender could not start; {} spill file(s) wait for the next run",
                               store_->list().size());
    }
    return true;
}

FlushReport Pipeline::spill_for_sender(const TakeBatch& take) {
    FlushReport report;
    add_sink_reports(report);
    std::vector<Event> batch = take();
    if (withdrawn()) {
        stop_for_withdrawal(report, batch.size());
        return report;
    }
    if (!store_) {
        // Nowhere to hand them over: dropped, counted (the warning came at open).
        ledger_.dropped_from_buffer(drop_reason::undeliverable_at_exit, batch.size());
        report.events_dropped += batch.size();
        return report;
    }
    const size_t count = batch.size();
    std::vector<std::string> written;
    SpillOptions options;
    options.written_names = &written;
    const uint64_t spilled = count ? spill(std::move(batch), sinks_.ids(), drop_reason::spill_write_failed, options) : 0;
    report.events_spilled += spilled;
    report.events_handed_to_sender += spilled;
    report.events_dropped += count - spilled;
    if (store_->list().empty()) {
        persist_counters();
        return report;
    }
    // One sender per data dir: a running one looks for new spill files before it exits.
    if (sender_running(owner_.data_dir)) {
        persist_counters();
        return report;
    }
    if (!spawn_sender_program(written)) {
        detail::logger()->info("overt: no sender started; {} spill file(s) wait for the next run",
                               store_->list().size());
        persist_counters();
    }
    return report;
}

FlushReport Pipeline::close(const TakeBatch& take) {
    FlushReport report;
    if (withdrawn()) {
        stop_for_withdrawal(report, take().size());
        persist_counters();
        sinks_.release();
        return report;
    }
    if (sinks_.all_deferred() && !store_) {
        std::vector<Event> batch = take();
        ledger_.dropped_from_buffer(drop_reason::undeliverable_at_exit, batch.size());
        report.events_dropped += batch.size();
        return report;
    }
    // exit_delivery: background spills and leaves the sending to overt-sender (or a forked helper).
    // Without a data dir there is nothing to hand over: in-process sinks deliver here.
    if (store_ && (config_.exit_delivery == ExitDelivery::background || sinks_.all_deferred())) {
        if (hand_off_at_exit(take(), report)) {
            sinks_.release();
            return report;
        }
    }
    const auto start = Clock::now();
    const auto budget = std::chrono::milliseconds(std::max<int64_t>(config_.exit_budget_ms, 0));
    // Keep a slice of the budget for writing what could not be sent to disk.
    // A send still running at the middle of that slice is abandoned (a sink ignoring its deadline).
    const auto reserve = std::min<Clock::duration>(std::chrono::milliseconds(50), budget / 4);
    report = flush_in_process({start + budget - reserve, start + budget - reserve / 2}, /*at_exit=*/true, take, {});
    if (flush_busy_at_exit_) {
        // That flush still uses the sinks: they are released with the collector, not here.
        detail::logger()->warn("overt: closing {} while another thread is flushing; buffered events were spilled",
                               config_.tool_name);
        return report;
    }
    flush_sinks_at_exit(start + budget);
    sinks_.release();
    return report;
}

}  // namespace overt::delivery
