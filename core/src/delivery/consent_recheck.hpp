// SPDX-License-Identifier: MIT
// The consent decision, asked again by the pipeline before every send: a user who runs `mytool
// telemetry disable` while a sender or a long-running service is delivering stops it before its
// next request. Built on the public consent API; the file is re-read only when it changed
// (stat), so asking is cheap.
#pragma once

#include <cstdint>

#include <overt/config.hpp>
#include <overt/consent.hpp>

#include <mutex>
#include <string>


namespace overt::delivery {

class ConsentWatch {
   public:
    explicit ConsentWatch(Config config);
    // The decision from the stored consent and the environment switches, re-read only when
    // the consent file changed; `warning` gets the consent file's problem ("" if none).
    ConsentDecision decision(std::string* warning = nullptr);
    // Whether collecting is still allowed.
    bool still_granted();

   private:
    struct FileState {
        bool exists = false;
        uint64_t inode = 0;
        int64_t modified_ns = 0;
        int64_t size = 0;
        bool operator==(const FileState&) const = default;
    };
    FileState state_now() const;
    Config config_;
    ConsentStore store_;
    std::mutex mutex_;
    bool known_ = false;
    FileState last_;
    ConsentDecision decision_;
};

}  // namespace overt::delivery
