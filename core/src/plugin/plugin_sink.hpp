// SPDX-License-Identifier: MIT
// overt::Sink over one plugin instance. Internal to libovert.
#pragma once

#include "plugin/host_api.hpp"
#include "plugin/plugin_library.hpp"

#include <overt/sink.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace overt::plugin {

class PluginSink final : public Sink {
   public:
    // Takes ownership of `instance` (created by plugin.descriptor->create with `host`).
    // describe() and destroy() are abandoned after `call_limit` (send and flush are bounded by
    // the delivery code's watchdog).
    PluginSink(std::string id, const LoadedPlugin& plugin, std::unique_ptr<HostApi> host, void* instance,
               std::chrono::milliseconds call_limit);
    // Calls destroy(); one that overruns the call limit is abandoned with a warning.
    ~PluginSink() override;
    PluginSink(const PluginSink&) = delete;
    PluginSink& operator=(const PluginSink&) = delete;

    const std::string& id() const override { return id_; }
    std::string describe() const override;
    SendResult send(std::span<const Event> events, Deadline deadline) override;
    SendResult flush(Deadline deadline) override;

   private:
    static constexpr size_t kMessageCapacity = 1024;
    static constexpr size_t kTimestampRoom = 30;  // the longest RFC 3339 text append_timestamp writes

    void build_batch(std::span<const Event> events);
    // Maps what the plugin returned (and wrote into last_result_) onto a SendResult.
    SendResult finish(int returned, size_t count, const char* call);
    overt_result fresh_result();

    std::string id_;
    const LoadedPlugin& plugin_;
    // Shared with a bounded call's thread, which may outlive this sink when abandoned.
    std::shared_ptr<HostApi> host_;
    void* instance_;
    std::chrono::milliseconds call_limit_;

    mutable std::mutex mutex_;  // one call into the instance at a time
    mutable bool fatal_ = false;
    mutable std::string fatal_message_;
    // An abandoned describe() may still run in the instance: it is never called nor destroyed again.
    mutable bool abandoned_ = false;
    std::array<char, kMessageCapacity> message_{};
    overt_result last_result_{};
    // Reused across sends so a steady stream of batches does not allocate.
    std::string text_;                 // each event's JSON (and its timestamp), or only the timestamps
    std::vector<size_t> text_offsets_; // per event: json start, json end, timestamp start, timestamp end
    std::vector<overt_str> args_;
    std::vector<overt_kv> metadata_;
    std::vector<overt_event> batch_;
};

}  // namespace overt::plugin
