// SPDX-License-Identifier: MIT
// What happened to every event a collector took custody of.
//
// Invariant, true at every observation of one process's Counters:
//   tracked == buffered + spilled + sent + handed_off + dropped_total()
// where
//   tracked    events recorded by track*() in this process, plus `recovered`: events found in
//              spill files left by earlier runs or other processes, counted when this process
//              first claims such a file;
//   buffered   in memory: the buffer and any batch a flush is delivering right now;
//   spilled    in spill files this process wrote or claimed (as far as it knows: a file another
//              process took over is moved to handed_off at the next flush);
//   sent       every sink that owed the event accepted it (with fan-out: the last one did);
//   handed_off spilled by this process, then claimed and delivered by another process of the
//              same tool sharing the data dir;
//   dropped    given up, by reason (see drop_reason below).
#pragma once

#include <overt/export.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace overt {

namespace drop_reason {
inline constexpr std::string_view spill_cap = "spill_cap";                  // spill_max_files/bytes
inline constexpr std::string_view rejected = "rejected";                    // a sink refused it for good
inline constexpr std::string_view at_most_once_failure = "at_most_once_failure";
inline constexpr std::string_view corrupt = "corrupt";                      // its spill file became unreadable
inline constexpr std::string_view no_data_dir_overflow = "no_data_dir_overflow";  // buffer full, nowhere to spill
inline constexpr std::string_view spill_write_failed = "spill_write_failed";  // disk full, permissions...
inline constexpr std::string_view undeliverable_at_exit = "undeliverable_at_exit";  // close() with no data dir
inline constexpr std::string_view consent_withdrawn = "consent_withdrawn";  // drop(): disable, delete-my-data
inline constexpr std::string_view record_failed = "record_failed";  // track*() could not record it (out of memory...)
}  // namespace drop_reason

struct Counters {
    uint64_t tracked = 0;
    uint64_t recovered = 0;  // part of tracked
    uint64_t buffered = 0;
    uint64_t spilled = 0;
    uint64_t sent = 0;
    uint64_t handed_off = 0;
    std::map<std::string, uint64_t, std::less<>> dropped;
    uint64_t corrupt_files = 0;  // spill files moved to <data_dir>/corrupt/ (events unknown)

    uint64_t dropped_total() const {
        uint64_t total = 0;
        for (const auto& [reason, count] : dropped) total += count;
        return total;
    }
    bool adds_up() const { return tracked == buffered + spilled + sent + handed_off + dropped_total(); }
};

// Cumulative per-tool totals across runs, kept in <data_dir>/counters.json.
struct PersistedCounters {
    uint64_t tracked = 0;
    uint64_t recovered = 0;
    uint64_t sent = 0;
    uint64_t handed_off = 0;
    uint64_t corrupt_files = 0;
    std::map<std::string, uint64_t, std::less<>> dropped;
};

// Reads <data_dir>/counters.json; all zero if it is missing. Throws std::runtime_error naming
// the file if it exists but cannot be parsed.
OVERT_API PersistedCounters read_persisted_counters(const std::string& data_dir);

}  // namespace overt
