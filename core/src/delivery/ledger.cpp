// SPDX-License-Identifier: MIT
#include "delivery/ledger.hpp"

#include "delivery/counters_file.hpp"

namespace overt::delivery {

void Ledger::tracked() {
    std::lock_guard lock(mutex_);
    ++counters_.tracked;
    ++counters_.buffered;
}

void Ledger::tracked(uint64_t count) {
    std::lock_guard lock(mutex_);
    counters_.tracked += count;
    counters_.buffered += count;
}

void Ledger::overwritten_in_ring() {
    std::lock_guard lock(mutex_);
    ++counters_.tracked;
    ++ring_overwrites_;
}

void Ledger::record_failed() noexcept {
    try {
        std::lock_guard lock(mutex_);
        ++counters_.tracked;
        ++counters_.dropped[std::string(drop_reason::record_failed)];
    } catch (...) {
        // Out of memory for the map node itself: nothing more can be counted.
    }
}

void Ledger::dropped_from_buffer(std::string_view reason, uint64_t count) {
    if (!count) return;
    std::lock_guard lock(mutex_);
    counters_.buffered -= count;
    counters_.dropped[std::string(reason)] += count;
}

void Ledger::delivered_from_buffer(uint64_t sent, uint64_t rejected, uint64_t lost) {
    std::lock_guard lock(mutex_);
    counters_.buffered -= sent + rejected + lost;
    counters_.sent += sent;
    if (rejected) counters_.dropped[std::string(drop_reason::rejected)] += rejected;
    if (lost) counters_.dropped[std::string(drop_reason::at_most_once_failure)] += lost;
}

void Ledger::spilled(std::span<const spill::WrittenFile> files, uint64_t from_buffer, std::string_view reason) {
    uint64_t written = 0;
    for (const auto& file : files) written += file.event_count;
    std::lock_guard lock(mutex_);
    counters_.buffered -= from_buffer;
    counters_.spilled += written;
    for (const auto& file : files) own_files_[file.name] = file.event_count;
    if (from_buffer > written) counters_.dropped[std::string(reason)] += from_buffer - written;
}

bool Ledger::adopted(const std::string& file, uint64_t events) {
    std::lock_guard lock(mutex_);
    if (own_files_.count(file)) return false;
    counters_.tracked += events;
    counters_.recovered += events;
    counters_.spilled += events;
    own_files_[file] = events;
    return true;
}

void Ledger::file_to_buffer(const std::string& file) {
    std::lock_guard lock(mutex_);
    auto own = own_files_.find(file);
    if (own == own_files_.end()) return;
    counters_.spilled -= own->second;
    counters_.buffered += own->second;
    own_files_.erase(own);
}

void Ledger::file_delivered(const std::string& file, uint64_t rejected) {
    std::lock_guard lock(mutex_);
    auto own = own_files_.find(file);
    if (own == own_files_.end()) return;
    const uint64_t events = own->second;
    rejected = std::min(rejected, events);
    counters_.spilled -= events;
    counters_.sent += events - rejected;
    if (rejected) counters_.dropped[std::string(drop_reason::rejected)] += rejected;
    own_files_.erase(own);
}

uint64_t Ledger::file_dropped(const std::string& file, std::string_view reason) {
    std::lock_guard lock(mutex_);
    auto own = own_files_.find(file);
    if (own == own_files_.end()) return 0;
    const uint64_t events = own->second;
    counters_.spilled -= events;
    counters_.dropped[std::string(reason)] += events;
    own_files_.erase(own);
    return events;
}

bool Ledger::events_lost_from_file(const std::string& file, uint64_t events, std::string_view reason) {
    std::lock_guard lock(mutex_);
    auto own = own_files_.find(file);
    if (own == own_files_.end()) return false;
    events = std::min(events, own->second);
    own->second -= events;
    counters_.spilled -= events;
    counters_.dropped[std::string(reason)] += events;
    return true;
}

void Ledger::foreign_file_dropped(std::string_view reason, uint64_t events) {
    std::lock_guard lock(mutex_);
    counters_.tracked += events;
    counters_.recovered += events;
    counters_.dropped[std::string(reason)] += events;
}

void Ledger::corrupt_file_moved_aside() {
    std::lock_guard lock(mutex_);
    ++counters_.corrupt_files;
}

uint64_t Ledger::release_gone_files_locked(const std::function<bool(const std::string& file)>& still_there) {
    uint64_t events = 0;
    for (auto it = own_files_.begin(); it != own_files_.end();) {
        if (!still_there(it->first)) {
            counters_.spilled -= it->second;
            events += it->second;
            it = own_files_.erase(it);
        } else {
            ++it;
        }
    }
    return events;
}

void Ledger::note_handed_off(const std::function<bool(const std::string& file)>& still_there) {
    std::lock_guard lock(mutex_);
    counters_.handed_off += release_gone_files_locked(still_there);
}

uint64_t Ledger::files_gone(const std::function<bool(const std::string& file)>& still_there,
                          std::string_view reason) {
    std::lock_guard lock(mutex_);
    const uint64_t events = release_gone_files_locked(still_there);
    if (events) counters_.dropped[std::string(reason)] += events;
    return events;
}

std::optional<uint64_t> Ledger::held_events(const std::string& file) const {
    std::lock_guard lock(mutex_);
    auto own = own_files_.find(file);
    if (own == own_files_.end()) return std::nullopt;
    return own->second;
}

void Ledger::settle_ring_locked() {
    if (ring_overwrites_) counters_.dropped[std::string(drop_reason::no_data_dir_overflow)] += ring_overwrites_;
    ring_overwrites_ = 0;
}

Counters Ledger::counters_locked() const {
    Counters counters = counters_;
    if (ring_overwrites_) counters.dropped[std::string(drop_reason::no_data_dir_overflow)] += ring_overwrites_;
    return counters;
}

Counters Ledger::snapshot() const {
    std::lock_guard lock(mutex_);
    return counters_locked();
}

Ledger::Handover Ledger::hand_over() const {
    std::lock_guard lock(mutex_);
    return Handover{counters_locked(), persisted_base_, own_files_};
}

void Ledger::take_over(Handover handover) {
    std::lock_guard lock(mutex_);
    counters_ = std::move(handover.counters);
    persisted_base_ = std::move(handover.persisted_base);
    own_files_ = std::move(handover.own_files);
    ring_overwrites_ = 0;
}

void Ledger::persist(const std::string& data_dir, support::Durability durability) {
    if (data_dir.empty()) return;
    PersistedCounters delta;
    {
        std::lock_guard lock(mutex_);
        settle_ring_locked();
        delta.tracked = counters_.tracked - persisted_base_.tracked;
        delta.recovered = counters_.recovered - persisted_base_.recovered;
        delta.sent = counters_.sent - persisted_base_.sent;
        delta.handed_off = counters_.handed_off - persisted_base_.handed_off;
        delta.corrupt_files = counters_.corrupt_files - persisted_base_.corrupt_files;
        for (const auto& [reason, count] : counters_.dropped) {
            auto base = persisted_base_.dropped.find(reason);
            uint64_t diff = count - (base == persisted_base_.dropped.end() ? 0 : base->second);
            if (diff) delta.dropped[reason] = diff;
        }
    }
    if (!detail::add_to_persisted_counters(data_dir, delta, durability)) return;
    std::lock_guard lock(mutex_);
    detail::add_counts(persisted_base_, delta);
}

}  // namespace overt::delivery
