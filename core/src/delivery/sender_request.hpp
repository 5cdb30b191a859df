// SPDX-License-Identifier: MIT
// What close() hands to the background sender program (overt-sender) over a socket: the
// config to load the backends from, and this process's state of the spill files it wrote and
// of its counters, so the sender carries on exactly where the tool stopped.
#pragma once

#include <overt/config.hpp>
#include <overt/counters.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace overt::delivery {

struct SenderRequest {
    Config config;                                   // data_dir resolved; exit_delivery in_process
    std::string machine_id;
    std::vector<std::string> exit_spill_files;       // written by close() without fsync
    Counters counters;                               // the tool's, after its exit spill
    PersistedCounters persisted_base;                // the part already in counters.json
    std::map<std::string, uint64_t> own_files;       // spill file -> events, counted in `spilled`
    std::vector<std::string> masked_values;          // what the tool's messages mask (its ${VAR} values)
};

std::string encode_sender_request(const SenderRequest& request);
// Throws std::runtime_error naming the field that is missing or of the wrong type.
SenderRequest decode_sender_request(std::string_view text);

}  // namespace overt::delivery
