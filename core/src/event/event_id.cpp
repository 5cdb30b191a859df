// SPDX-License-Identifier: MIT
// UUID v4 event ids from a per-thread generator seeded by the OS, so the hot path takes no lock
// and makes no system call.
#include <overt/event.hpp>

#include "event/event_id_writer.hpp"
#include "platform/system.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <random>
#include <type_traits>

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

// Two hex digits per byte, looked up rather than shifted out nibble by nibble (nor computed
// for eight digits at once in a 64-bit word: a longer chain of dependent steps, a third slower).
constexpr auto kHexPairs = [] {
    constexpr char hex[] = "0123456789abcdef";
    std::array<char, 512> pairs{};
    for (size_t byte = 0; byte < 256; ++byte) {
        pairs[2 * byte] = hex[byte >> 4];
        pairs[2 * byte + 1] = hex[byte & 0xF];
    }
    return pairs;
}();

// `count` bytes of `value`, most significant first, as 2 * count hex digits at `at`.
char* put_hex_bytes(char* at, uint64_t value, int count) {
    for (int k = count - 1; k >= 0; --k) {
        const size_t byte = (value >> (8 * k)) & 0xFF;
        *at++ = kHexPairs[2 * byte];
        *at++ = kHexPairs[2 * byte + 1];
    }
    return at;
}

// 8-4-4-4-12 lowercase hex into 36 chars.
void write_event_id(char* at) {
    Xoshiro256& rng = generator();
    uint64_t hi = rng.next();
    uint64_t lo = rng.next();
    hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
    at[8] = at[13] = at[18] = at[23] = '-';
    at = put_hex_bytes(at, hi >> 32, 4) + 1;
    at = put_hex_bytes(at, hi >> 16, 2) + 1;
    at = put_hex_bytes(at, hi, 2) + 1;
    at = put_hex_bytes(at, lo >> 48, 2) + 1;
    put_hex_bytes(at, lo, 6);
}

}  // namespace

std::string new_event_id() {
    std::string out(EventId::kCapacity, '-');
    write_event_id(out.data());
    return out;
}

// Written in place: the id is its 36 chars and nothing else, and 36 hex digits and dashes
// fill it and hold no NUL, so assign()'s check and padding are not needed (callgrind: they
// were 70 Ir of a track_command). Straight into the event's id: built on the stack and
// copied, it was a third slower (10 against 15 ns an id in a loop).
static_assert(std::is_trivially_copyable_v<EventId> && std::is_standard_layout_v<EventId> &&
              sizeof(EventId) == EventId::kCapacity);

void assign_new_event_id(EventId& id) noexcept { write_event_id(reinterpret_cast<char*>(&id)); }

EventId generate_event_id() {
    EventId id;
    assign_new_event_id(id);
    return id;
}

}  // namespace overt
