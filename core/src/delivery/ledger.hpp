// SPDX-License-Identifier: MIT
// The books of one process: what happened to every event it took custody of (Counters, see
// overt/counters.hpp for the invariant), which spill files it holds and how many events each
// carries, and how much of it is already in counters.json. Every change is a named move that
// keeps tracked == buffered + spilled + sent + handed_off + dropped at every observation.
#pragma once

#include "spill/spill_store.hpp"

#include <overt/counters.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace overt::delivery {

class Ledger {
   public:
    // What a process hands to the one that carries on for it (overt-sender).
    struct Handover {
        Counters counters;
        PersistedCounters persisted_base;          // the part already in counters.json
        std::map<std::string, uint64_t> own_files;  // spill file -> events, counted in `spilled`
    };

    // An event recorded into the buffer; `count` of them.
    void tracked();
    void tracked(uint64_t count);
    // An event recorded into a full ring (no data dir): the oldest buffered one is overwritten.
    void overwritten_in_ring();
    // A track*() call that failed before its event was buffered: tracked and dropped at once.
    void record_failed() noexcept;
    // Buffered events given up.
    void dropped_from_buffer(std::string_view reason, uint64_t count);
    // A batch of buffered events delivered: `sent` accepted by every sink owing them,
    // `rejected` refused for good by one, `lost` failed under at_most_once.
    void delivered_from_buffer(uint64_t sent, uint64_t rejected, uint64_t lost);

    // `from_buffer` buffered events went to disk as `files`; the rest are dropped for `reason`.
    void spilled(std::span<const spill::WrittenFile> files, uint64_t from_buffer, std::string_view reason);
    // A spill file this process did not write (an earlier run, another process) is now held
    // here. False when it was already ours.
    bool adopted(const std::string& file, uint64_t events);
    // A held spill file is read back into memory (at_most_once removes it before sending).
    void file_to_buffer(const std::string& file);
    // A held spill file is done: removed after delivery, `rejected` of its events refused.
    void file_delivered(const std::string& file, uint64_t rejected);
    // A held spill file is gone for `reason` (corrupt, consent_withdrawn); 0 if not held.
    uint64_t file_dropped(const std::string& file, std::string_view reason);
    // `events` of a held file are gone from it (they did not decode): dropped for `reason`.
    // False when the file is not held here.
    bool events_lost_from_file(const std::string& file, uint64_t events, std::string_view reason);
    // A file nobody here held was removed (spill caps): it enters the books only to leave them.
    void foreign_file_dropped(std::string_view reason, uint64_t events);
    void corrupt_file_moved_aside();
    // Files this process wrote that another process has claimed and removed since.
    void note_handed_off(const std::function<bool(const std::string& file)>& still_there);
    // Held files that are gone because the data dir was erased: dropped for `reason`.
    uint64_t files_gone(const std::function<bool(const std::string& file)>& still_there, std::string_view reason);
    std::optional<uint64_t> held_events(const std::string& file) const;

    Counters snapshot() const;
    Handover hand_over() const;
    void take_over(Handover handover);
    // Adds what is not yet in <data_dir>/counters.json to it.
    void persist(const std::string& data_dir, support::Durability durability = support::Durability::fsync);

   private:
    void settle_ring_locked();
    // The counters with the ring's overwrites booked, leaving the ledger as it is.
    Counters counters_locked() const;
    // Held files no longer on disk leave the books; returns their events.
    uint64_t release_gone_files_locked(const std::function<bool(const std::string& file)>& still_there);
    mutable std::mutex mutex_;
    Counters counters_;
    // Overwritten ring events, booked into counters_.dropped when observed (a map lookup by
    // reason is too slow for the hot path).
    uint64_t ring_overwrites_ = 0;
    std::map<std::string, uint64_t> own_files_;
    PersistedCounters persisted_base_;
};

}  // namespace overt::delivery
