// <data_dir>/counters.json: cumulative per-tool counters, merged across processes under
// flock on <data_dir>/.counters.lock.
#pragma once

#include <overt/counters.hpp>

#include <string>

namespace overt::detail {

// Adds `delta` to the file's totals. Returns false (and logs) when it cannot.
bool add_to_persisted_counters(const std::string& data_dir, const PersistedCounters& delta);

}  // namespace overt::detail
