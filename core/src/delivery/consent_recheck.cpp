// SPDX-License-Identifier: MIT
#include "delivery/consent_recheck.hpp"

#include "platform/fd.hpp"

namespace overt::delivery {

ConsentWatch::ConsentWatch(Config config) : config_(std::move(config)), store_(config_.tool_name) {}

ConsentWatch::FileState ConsentWatch::state_now() const {
    platform::FileStatus st;
    if (!platform::stat_path(store_.path(), st)) return {};
    return {true, st.inode, st.mtime_ns, static_cast<int64_t>(st.size)};
}

ConsentDecision ConsentWatch::decision(std::string* warning) {
    std::lock_guard lock(mutex_);
    // Stat before reading: a change after the stat is seen as a change at the next call.
    const FileState now = state_now();
    if (!known_ || !(now == last_)) {
        decision_ = decide_consent(config_, store_);
        last_ = now;
        known_ = true;
    }
    if (warning) *warning = store_.warning();
    return decision_;
}

bool ConsentWatch::still_granted() { return decision().collect; }

}  // namespace overt::delivery
