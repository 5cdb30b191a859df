// SPDX-License-Identifier: MIT
// The wall-clock time stamped on an event. Reading the system clock was a quarter of
// track_command's cost (perf: __vdso_clock_gettime, 24 ns on the benchmark VM), so where the
// CPU's time-stamp counter runs at a constant rate the time is extrapolated from the thread's
// last system-clock reading with it, and the system clock is read again at least every
// millisecond. Elsewhere it is the system clock itself.
#pragma once

#include <cstdint>

namespace overt::event_clock {

// Nanoseconds since the Unix epoch, UTC: the system clock's time to within a few ns (the
// error of the measured tick rate over at most a millisecond).
int64_t unix_nano_now() noexcept;

// Whether the time-stamp counter is used (false until its rate is measured, about 10 ms
// after the first reading, and always where it cannot be trusted).
bool uses_tick_counter() noexcept;

}  // namespace overt::event_clock
