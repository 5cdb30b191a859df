// SPDX-License-Identifier: MIT
// UUID v4 event ids from a per-thread generator seeded by the OS, so the hot path takes no lock
// and makes no system call.
#include <overt/event.hpp>

#include "platform/system.hpp"

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <random>
#include <type_traits>
#if defined(_MSC_VER) && !defined(__clang__)
#include <stdlib.h>
#endif

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

// One thread_local for the generator and the generation it was seeded in: libovert's TLS is
// reached through __tls_get_addr, once per thread_local touched (perf: 2 % of track_command).
struct ThreadGenerator {
    Xoshiro256 rng;
    unsigned seeded_in = fork_generation.load(std::memory_order_relaxed);
};

Xoshiro256& generator() {
    static ForkWatch registered;
    thread_local ThreadGenerator generator;
    const unsigned now = fork_generation.load(std::memory_order_relaxed);
    if (generator.seeded_in != now) {
        generator.rng = Xoshiro256();
        generator.seeded_in = now;
    }
    return generator.rng;
}

// The 8 hex digits of `value` as 8 chars, first digit first in memory, computed in one 64-bit
// word for all digits at once (a lookup per byte was most of an id's cost, callgrind).
uint64_t hex_digits(uint32_t value) {
    uint64_t v = value;
    // Each nibble into a byte of its own, the most significant nibble in the highest byte.
    v = ((v & 0xFFFF0000ull) << 16) | (v & 0x0000FFFFull);
    v = ((v & 0x0000FF000000FF00ull) << 8) | (v & 0x000000FF000000FFull);
    v = ((v & 0x00F000F000F000F0ull) << 4) | (v & 0x000F000F000F000Full);
    // 0-9 to '0'-'9' and 10-15 to 'a'-'f' in every byte: a byte holding 10 or more gets the
    // 39 between '9' + 1 and 'a' added besides '0'.
    const uint64_t letters = ((v + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
    v += 0x3030303030303030ull + letters * 39;
    if constexpr (std::endian::native == std::endian::little) {
#if defined(_MSC_VER) && !defined(__clang__)
        v = _byteswap_uint64(v);
#else
        v = __builtin_bswap64(v);
#endif
    }
    return v;
}

// 8-4-4-4-12 lowercase hex into 36 chars.
void write_event_id(char* at) {
    Xoshiro256& rng = generator();
    uint64_t hi = rng.next();
    uint64_t lo = rng.next();
    hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
    const uint64_t digits[4] = {hex_digits(static_cast<uint32_t>(hi >> 32)), hex_digits(static_cast<uint32_t>(hi)),
                                hex_digits(static_cast<uint32_t>(lo >> 32)), hex_digits(static_cast<uint32_t>(lo))};
    char hex[32];
    std::memcpy(hex, digits, sizeof hex);
    std::memcpy(at, hex, 8);
    at[8] = '-';
    std::memcpy(at + 9, hex + 8, 4);
    at[13] = '-';
    std::memcpy(at + 14, hex + 12, 4);
    at[18] = '-';
    std::memcpy(at + 19, hex + 16, 4);
    at[23] = '-';
    std::memcpy(at + 24, hex + 20, 12);
}

}  // namespace

std::string new_event_id() {
    std::string out(EventId::kCapacity, '-');
    write_event_id(out.data());
    return out;
}

EventId generate_event_id() {
    // Written in place: the id is its 36 chars and nothing else, and 36 hex digits and dashes
    // fill it and hold no NUL, so assign()'s check and padding are not needed (callgrind: they
    // were 70 Ir of a track_command).
    static_assert(std::is_trivially_copyable_v<EventId> && std::is_standard_layout_v<EventId> &&
                  sizeof(EventId) == EventId::kCapacity);
    char chars[EventId::kCapacity];
    write_event_id(chars);
    EventId id;
    std::memcpy(static_cast<void*>(&id), chars, sizeof chars);
    return id;
}

}  // namespace overt
