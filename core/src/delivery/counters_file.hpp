// SPDX-License-Identifier: MIT
// <data_dir>/counters.json: cumulative per-tool counters, merged across processes under
// flock on <data_dir>/.counters.lock.
#pragma once

#include "support/atomic_file.hpp"

#include <overt/counters.hpp>

#include <string>

namespace overt::detail {

// Adds `delta` to the file's totals. Returns false (and logs) when it cannot.
// Adds every count of `delta` to `total`.
void add_counts(PersistedCounters& total, const PersistedCounters& delta);

// Durability::deferred skips the fsyncs (statistics only: a power cut may lose the update).
bool add_to_persisted_counters(const std::string& data_dir, const PersistedCounters& delta,
                               support::Durability durability = support::Durability::fsync);

}  // namespace overt::detail
