// SPDX-License-Identifier: MIT
// Between two readings of the system clock a thread counts the time-stamp counter's ticks
// since the last one and converts them at a rate measured against the steady clock, as
// high-rate loggers do (quill's rdtsc clock), here resynchronised every millisecond. Every
// resynchronisation checks what the counter predicted against the system clock: a miss of
// more than kMaxMissNs (a suspend, a migrated VM, a clock step) starts the measurement over,
// with the system clock used meanwhile, so a wrong rate lasts at most one interval.
#include "event/event_clock.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <x86intrin.h>
#if defined(__linux__)
#include <fcntl.h>
#include <unistd.h>
#endif
#define OVERT_EVENT_CLOCK_TICKS 1
#else
#define OVERT_EVENT_CLOCK_TICKS 0
#endif

namespace overt::event_clock {
namespace {

int64_t system_unix_nano() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

#if OVERT_EVENT_CLOCK_TICKS

int64_t steady_nano() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// "Invariant TSC" (CPUID 0x80000007, EDX bit 8): the counter ticks at one rate in every
// power state and on every core. Without it the counter is no clock.
bool counter_is_invariant() noexcept {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) || eax < 0x80000007u) return false;
    if (!__get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx)) return false;
    return (edx & (1u << 8)) != 0;
}

#if defined(__linux__)
// The kernel tests the counter at boot and on every CPU it brings up, and stops using it as
// its clock when it finds it unstable (a VM's counters out of step, say): its verdict stands.
bool kernel_clock_is_the_counter() noexcept {
    const int fd = ::open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char name[16] = {};
    const ssize_t got = ::read(fd, name, sizeof name - 1);
    ::close(fd);
    return got >= 3 && std::strncmp(name, "tsc", 3) == 0 && (got == 3 || name[3] == '\n');
}
#else
bool kernel_clock_is_the_counter() noexcept { return true; }  // Windows' own clock uses an invariant counter
#endif

constexpr int64_t kResyncEveryNs = 1'000'000;  // the system clock is read at least this often
constexpr int64_t kMeasureOverNs = 10'000'000;  // a rate is measured over at least this long
constexpr int64_t kMaxMissNs = 20'000;          // a prediction further off restarts the measurement
constexpr uint64_t kTightReadTicks = 10'000;     // two clock readings take ~150 ticks; 10 000 is a few us

// What the fast path reads: ns per tick (a double's bits, 0 while measuring or when the
// counter is not used) and the ticks of one resync interval.
std::atomic<uint64_t> g_rate_bits{0};
std::atomic<uint64_t> g_resync_ticks{0};
// Set for good when the counter is not to be used: from then on a reading is the system
// clock's alone, not the resync's three clock reads.
std::atomic<bool> g_counter_off{false};

// The measurement, under its mutex (taken about once per millisecond per thread).
struct Measurement {
    std::mutex mutex;
    bool checked = false;         // the CPU was asked whether its counter is invariant
    bool kernel_checked = false;  // the kernel was asked whether it uses the counter as its clock
    bool counter_off = false;     // not invariant, not the kernel's clock, or a rate no counter has
    bool started = false;
    uint64_t start_ticks = 0;
    int64_t start_steady_ns = 0;
    double ns_per_tick = 0;  // 0 while measuring
};
Measurement g_measurement;

double from_bits(uint64_t bits) noexcept {
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}
uint64_t to_bits(double value) noexcept {
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

void publish(double ns_per_tick) noexcept {
    g_resync_ticks.store(ns_per_tick > 0 ? static_cast<uint64_t>(kResyncEveryNs / ns_per_tick) : 0,
                         std::memory_order_relaxed);
    g_rate_bits.store(ns_per_tick > 0 ? to_bits(ns_per_tick) : 0, std::memory_order_relaxed);
}

void restart_measurement(uint64_t ticks, int64_t steady) noexcept {
    g_measurement.started = true;
    g_measurement.start_ticks = ticks;
    g_measurement.start_steady_ns = steady;
    g_measurement.ns_per_tick = 0;
    publish(0);
}

void turn_counter_off(Measurement& m) noexcept {
    m.counter_off = true;
    publish(0);
    g_counter_off.store(true, std::memory_order_relaxed);
}

struct ThreadAnchor {
    uint64_t ticks = 0;
    int64_t unix_ns = 0;
    bool set = false;
};
thread_local ThreadAnchor t_anchor;

// Reads the system clock, checks the counter's prediction of it, refines the rate over the
// whole measurement and makes the reading the thread's anchor.
int64_t resync() noexcept {
    // Both clocks between two counter readings: a thread preempted among them would pair a
    // clock with a later tick, so a reading that took long is used but not paired.
    const uint64_t ticks_before = __rdtsc();
    const int64_t steady = steady_nano();
    const int64_t unix_ns = system_unix_nano();
    const uint64_t ticks_after = __rdtsc();
    const ThreadAnchor previous = t_anchor;
    t_anchor.set = false;
    if (ticks_after - ticks_before > kTightReadTicks) return unix_ns;
    const uint64_t ticks = ticks_before + (ticks_after - ticks_before) / 2;
    std::unique_lock lock(g_measurement.mutex, std::try_to_lock);
    if (!lock.owns_lock()) return unix_ns;  // another thread is measuring: this time, the system clock
    Measurement& m = g_measurement;
    if (!m.checked) {  // the CPU first (cheap); the kernel once a rate is ready, so a short-lived tool never asks
        m.checked = true;
        if (!counter_is_invariant()) turn_counter_off(m);
    }
    if (m.counter_off) return unix_ns;
    if (m.ns_per_tick > 0 && previous.set) {
        const uint64_t since = ticks - previous.ticks;
        const uint64_t interval = g_resync_ticks.load(std::memory_order_relaxed);
        if (since < 4 * interval) {
            const auto counted_ns = static_cast<double>(static_cast<int64_t>(since)) * m.ns_per_tick;
            const int64_t predicted = previous.unix_ns + static_cast<int64_t>(counted_ns);
            if (std::llabs(predicted - unix_ns) > kMaxMissNs) {
                restart_measurement(ticks, steady);
                return unix_ns;
            }
        }
    }
    if (!m.started) {
        restart_measurement(ticks, steady);
        return unix_ns;
    }
    const int64_t elapsed_ns = steady - m.start_steady_ns;
    if (elapsed_ns >= kMeasureOverNs) {
        const double ns_per_tick = static_cast<double>(elapsed_ns) / static_cast<double>(ticks - m.start_ticks);
        if (!m.kernel_checked) {
            m.kernel_checked = true;
            if (!kernel_clock_is_the_counter()) {
                turn_counter_off(m);
                return unix_ns;
            }
        }
        // Between 10 GHz and 10 MHz; anything else is a counter that stopped, jumped or wrapped.
        if (!(ns_per_tick > 0.1 && ns_per_tick < 100.0)) {
            turn_counter_off(m);
            return unix_ns;
        }
        m.ns_per_tick = ns_per_tick;
        publish(ns_per_tick);
    }
    if (m.ns_per_tick > 0) t_anchor = {ticks, unix_ns, true};
    return unix_ns;
}

#endif

}  // namespace

int64_t unix_nano_now() noexcept {
#if OVERT_EVENT_CLOCK_TICKS
    const ThreadAnchor& anchor = t_anchor;
    if (anchor.set) {
        const uint64_t rate_bits = g_rate_bits.load(std::memory_order_relaxed);
        const uint64_t since = __rdtsc() - anchor.ticks;  // huge if the counter went back: resync
        if (rate_bits && since < g_resync_ticks.load(std::memory_order_relaxed))
            return anchor.unix_ns + static_cast<int64_t>(static_cast<double>(static_cast<int64_t>(since)) *
                                                         from_bits(rate_bits));
    }
    if (g_counter_off.load(std::memory_order_relaxed)) return system_unix_nano();
    return resync();
#else
    return system_unix_nano();
#endif
}

bool uses_tick_counter() noexcept {
#if OVERT_EVENT_CLOCK_TICKS
    return t_anchor.set && g_rate_bits.load(std::memory_order_relaxed) != 0;
#else
    return false;
#endif
}

}  // namespace overt::event_clock
