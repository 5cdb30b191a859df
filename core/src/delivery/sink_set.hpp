// SPDX-License-Identifier: MIT
// The backends one process delivers to, by position: the ids events are owed to (spill files
// name them), each one's description, and whether it can be called in this process now.
// A sink is absent when it failed to load, is quarantined, or is configured but delivered by
// overt-sender rather than here (deferred).
#pragma once

#include <overt/plugins.hpp>
#include <overt/sink.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace overt::delivery {

class SinkSet {
   public:
    static constexpr size_t kMaxSinks = 64;  // pending sets are bit masks

    SinkSet() = default;
    SinkSet(SinkSet&&) = default;
    SinkSet& operator=(SinkSet&&) = default;
    ~SinkSet();

    // False (and logged) for a second sink with the same id or past kMaxSinks.
    bool add(std::unique_ptr<Sink> sink);
    // Owed events but cannot be called here: they wait on disk.
    bool add_unavailable(const std::string& id, const std::string& info);
    // Configured, loaded and called by overt-sender, never in this process.
    bool add_deferred(const std::string& id, const std::string& info);
    // The plugin host the sinks came from: kept until the sinks are released.
    void keep_host(std::unique_ptr<PluginHost> host) { host_ = std::move(host); }

    size_t size() const { return ids_.size(); }
    bool empty() const { return ids_.empty(); }
    const std::vector<std::string>& ids() const { return ids_; }
    const std::string& id(size_t i) const { return ids_[i]; }
    const std::string& info(size_t i) const { return info_[i]; }
    Sink* sink(size_t i) const { return sinks_[i].get(); }
    // Loaded here and not given up on during this run.
    bool usable(size_t i) const { return sinks_[i] && !unusable_[i]; }
    // Every sink is delivered by overt-sender (the default for a tool opened from config).
    bool all_deferred() const { return !ids_.empty() && deferred_ == ids_.size(); }
    // "file (file 1.0 -> /tmp/x.ndjson), http (unavailable: ...)"; "noop (no backends)".
    std::string describe() const;

    // Positions of `pending` ids; those no longer configured are logged and skipped. None
    // known (or an empty list): every sink.
    std::vector<size_t> positions_of(const std::vector<std::string>& pending, const std::string& file) const;

    // Skipped for the rest of the run (it reported a fatal error).
    void mark_fatal(size_t i) { unusable_[i] = true; }
    // A call into it never returned: it is skipped and kept alive forever instead of destroyed
    // under that call (with its plugin host).
    void abandon(size_t i);
    // Destroys the sinks (plugin destroy()), except abandoned ones.
    void release();

   private:
    bool add_entry(std::unique_ptr<Sink> sink, const std::string& id, const std::string& info, bool unusable);
    std::unique_ptr<PluginHost> host_;  // declared first: outlives the sinks it made
    std::vector<std::unique_ptr<Sink>> sinks_;
    std::vector<std::string> ids_;
    std::vector<std::string> info_;
    std::vector<bool> unusable_;
    size_t deferred_ = 0;
    bool abandoned_ = false;
};

}  // namespace overt::delivery
