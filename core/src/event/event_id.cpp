// SPDX-License-Identifier: MIT
// UUID v4 event ids from a per-thread generator seeded by the OS, so the hot path takes no lock
// and makes no system call.
#include <overt/event.hpp>

#include "platform/system.hpp"

#include <atomic>
#include <cstdint>
#include <random>

namespace overt {
namespace {

// xoshiro256** (public domain algorithm by Blackman and Vigna): fast, 256-bit state.
struct Xoshiro256 {
    uint64_t s[4];
    explicit Xoshiro256() {
        std::random_device rd;
        for (auto& word : s) word = (static_cast<uint64_t>(rd()) << 32) ^ rd();
        if ((s[0] | s[1] | s[2] | s[3]) == 0) s[0] = 0x9E3779B97F4A7C15ull;
    }
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t next() {
        uint64_t result = rotl(s[1] * 5, 7) * 9;
        uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
    }
};

// A forked child inherits every generator's state: without a reseed, parent and children
// (and sibling children) would hand out the same ids, and receivers deduplicating by event_id
// would silently drop real events. The child handler bumps a generation that each thread's
// generator compares with before use (one relaxed load on the hot path).
std::atomic<unsigned> fork_generation{0};

void note_fork_in_child() { fork_generation.fetch_add(1, std::memory_order_relaxed); }

struct ForkWatch {
    ForkWatch() { platform::on_fork_in_child(&note_fork_in_child); }
};

Xoshiro256& generator() {
    static ForkWatch registered;
    thread_local Xoshiro256 rng;
    thread_local unsigned seeded_in = fork_generation.load(std::memory_order_relaxed);
    const unsigned now = fork_generation.load(std::memory_order_relaxed);
    if (seeded_in != now) {
        rng = Xoshiro256();
        seeded_in = now;
    }
    return rng;
}

}  // namespace

std::string new_event_id() {
    Xoshiro256& rng = generator();
    uint64_t hi = rng.next();
    uint64_t lo = rng.next();
    hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(36, '-');
    int pos = 0;
    auto put = [&](uint64_t v, int nibbles) {
        for (int k = nibbles - 1; k >= 0; --k) {
            if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
            out[static_cast<size_t>(pos++)] = hex[(v >> (k * 4)) & 0xF];
        }
    };
    put(hi, 16);
    put(lo, 16);
    return out;
}

}  // namespace overt
