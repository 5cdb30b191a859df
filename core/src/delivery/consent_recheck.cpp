// SPDX-License-Identifier: MIT
#include "delivery/consent_recheck.hpp"

#include <sys/stat.h>

namespace overt::delivery {

ConsentWatch::ConsentWatch(Config config) : config_(std::move(config)), store_(config_.tool_name) {}

ConsentWatch::FileState ConsentWatch::state_now() const {
    struct stat st {};
    if (::stat(store_.path().c_str(), &st) != 0) return {};
    return {true, st.st_ino, static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, st.st_size};
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
