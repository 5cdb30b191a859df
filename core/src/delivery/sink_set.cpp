// SPDX-License-Identifier: MIT
#include "delivery/sink_set.hpp"

#include "support/bounded_call.hpp"
#include "support/logger.hpp"

#include <algorithm>

namespace overt::delivery {

SinkSet::~SinkSet() { release(); }

bool SinkSet::add_entry(std::unique_ptr<Sink> sink, const std::string& id, const std::string& info, bool unusable) {
    if (ids_.size() >= kMaxSinks) {
        detail::logger()->error("overt: more than {} backends configured; ignoring {}", kMaxSinks, id);
        return false;
    }
    if (std::find(ids_.begin(), ids_.end(), id) != ids_.end()) {
        detail::logger()->error("overt: two backends share the id \"{}\"; ignoring the second", id);
        return false;
    }
    ids_.push_back(id);
    info_.push_back(info);
    unusable_.push_back(unusable);
    sinks_.push_back(std::move(sink));
    return true;
}

bool SinkSet::add(std::unique_ptr<Sink> sink) {
    if (!sink) return false;
    const std::string id = sink->id();
    const std::string info = sink->describe();
    return add_entry(std::move(sink), id, info, false);
}

bool SinkSet::add_unavailable(const std::string& id, const std::string& info) {
    return add_entry(nullptr, id, info, true);
}

bool SinkSet::add_deferred(const std::string& id, const std::string& info) {
    if (!add_entry(nullptr, id, info, true)) return false;
    ++deferred_;
    return true;
}

std::string SinkSet::describe() const {
    std::string text;
    for (const auto& info : info_) text += (text.empty() ? "" : ", ") + info;
    return text.empty() ? "noop (no backends)" : text;
}

std::vector<size_t> SinkSet::positions_of(const std::vector<std::string>& pending, const std::string& file) const {
    std::vector<size_t> positions;
    for (const auto& id : pending) {
        auto it = std::find(ids_.begin(), ids_.end(), id);
        if (it != ids_.end())
            positions.push_back(static_cast<size_t>(it - ids_.begin()));
        else
            detail::logger()->warn("overt: spill file {} is owed to backend \"{}\", which is no longer configured",
                                   file, id);
    }
    if (positions.empty())
        for (size_t i = 0; i < ids_.size(); ++i) positions.push_back(i);
    return positions;
}

void SinkSet::abandon(size_t i) {
    unusable_[i] = true;
    if (!sinks_[i]) return;
    support::abandon_forever(std::shared_ptr<Sink>(std::move(sinks_[i])));
    abandoned_ = true;
}

void SinkSet::release() {
    for (auto& sink : sinks_) sink.reset();  // plugin destroy(), bounded by the plugin host
    // An abandoned call may still run plugin code: the host (and its libraries) must stay.
    if (abandoned_ && host_) support::abandon_forever(std::shared_ptr<PluginHost>(std::move(host_)));
    host_.reset();
}

}  // namespace overt::delivery
