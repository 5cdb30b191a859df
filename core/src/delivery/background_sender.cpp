// SPDX-License-Identifier: MIT
#include "delivery/background_sender.hpp"

#include "delivery/pipeline.hpp"
#include "delivery/sender_process.hpp"
#include "delivery/sender_request.hpp"
#include "delivery/sender_spawn.hpp"
#include "delivery/sender_supervisor.hpp"
#include "delivery/sink_loading.hpp"
#include "plugin/plugin_host_factory.hpp"
#include "delivery/consent_recheck.hpp"
#include "support/logger.hpp"
#include "support/mask_secrets.hpp"

#include "platform/fd.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <set>
#include <string>

namespace overt::delivery {
namespace {

constexpr size_t kMaxRequestBytes = 16u << 20;

bool read_request(int fd, std::string& text, std::string& error) {
    char chunk[65536];
    for (;;) {
        const long long n = platform::read_file(fd, chunk, sizeof chunk);
        if (n == 0) return true;
        if (n < 0) {
            if (errno == EINTR) continue;
            error = std::string("reading the request: ") + std::strerror(errno);
            return false;
        }
        text.append(chunk, static_cast<size_t>(n));
        if (text.size() > kMaxRequestBytes) {
            error = "the request is larger than 16 MiB";
            return false;
        }
    }
}

}  // namespace

int run_background_sender(int request_fd) {
    prepare_sender_process(request_fd);
    std::string text, error;
    const bool read_ok = read_request(request_fd, text, error);
    platform::close_file(request_fd);
    release_request_input();
    if (!read_ok) {
        detail::logger()->error("overt-sender: {}", error);
        return 2;
    }
    SenderRequest request;
    try {
        request = decode_sender_request(text);
    } catch (const std::exception& e) {
        detail::logger()->error("overt-sender: {}", e.what());
        return 2;
    }
    // The sender never expands the config itself: it masks what the tool's expansion produced.
    for (const auto& value : request.masked_values) support::add_masked_value(value);
    if (request.config.data_dir.empty()) {
        detail::logger()->error("overt-sender: the request names no data dir");
        return 2;
    }
    // Plugins run only in a worker child, so one that crashes or hangs takes the worker down,
    // not the sender, which records which backend did it.
    return supervise_sender(request, [&request] { return deliver_request(request); });
}

int deliver_request(SenderRequest& request) {
    // A worker stuck on a peer or a plugin dies at the alarm (or the supervisor's kill, which
    // comes first); its spill files wait for the next run.
    const Deadline deadline = arm_helper_alarm(request.config.flush_timeout_ms);

    try {
        // The tool's books continue here, as if this were the tool; its plugins load here only.
        const Config& config = request.config;
        Ledger ledger;
        ledger.take_over({std::move(request.counters), std::move(request.persisted_base), std::move(request.own_files)});
        spill::SpillStore store(config.data_dir, config.tool_name, config.spill_max_bytes);
        auto consent = std::make_shared<ConsentWatch>(config);
        if (!consent->still_granted()) {
            detail::logger()->info("overt-sender: consent for {} was withdrawn; nothing sent", config.tool_name);
            return 0;
        }
        SinkSet sinks = load_sinks(config, config.data_dir,
                                   std::min(plugin::kDefaultPluginCallLimit,
                                            std::chrono::milliseconds(std::max<int64_t>(config.flush_timeout_ms, 100))));
        Pipeline pipeline(config, sinks, &store, ledger, RetryPolicy{}, PipelineOwner{config.data_dir, request.machine_id},
                          [consent] { return consent->still_granted(); });
        std::set<std::string> attempted;
        for (const auto& name : store.list()) attempted.insert(name);
        pipeline.deliver_after_exit(request.exit_spill_files, deadline);
        // Tools that found this sender running wrote new files and started no sender: look for
        // them after letting go of the lock, so a tool checking just after still starts one.
        for (;;) {
            hold_sender_lock(false);
            if (Clock::now() >= deadline || pipeline.withdrawn()) break;
            std::vector<std::string> fresh;
            for (const auto& name : store.list())
                if (attempted.insert(name).second) fresh.push_back(name);
            if (fresh.empty()) break;
            hold_sender_lock(true);
            store.make_durable(fresh);  // their writers skipped the fsync, as for an exit spill
            pipeline.deliver_pending(deadline);
        }
        sinks.release();
    } catch (const std::exception& e) {
        detail::logger()->error("overt-sender: {}", e.what());
        return 1;
    }
    return 0;
}

}  // namespace overt::delivery
