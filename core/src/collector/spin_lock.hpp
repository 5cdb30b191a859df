// SPDX-License-Identifier: MIT
// The collector's short locks: a staging shard's, taken on every event by the one thread that
// records into it (and by a flush or a reader that drains it), and the buffer's, taken by each
// thread once per run of staged events and by a flush. An uncontended std::mutex was two calls
// into libc and two atomic read-modify-writes (6 ns of a track_command); this is one exchange
// and one store. A waiter spins briefly, then yields its core, so a holder that was preempted
// gets to run; std::mutex put a thread that met another's drain to sleep in the kernel, which
// cost two threads more than they gained (flush paused at 2 threads: 58 -> 38 ns a call).
#pragma once

#include <atomic>
#include <thread>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#endif

namespace overt::detail {

class SpinLock {
   public:
    void lock() noexcept {
        while (locked_.exchange(true, std::memory_order_acquire)) wait_until_free();
    }
    void unlock() noexcept { locked_.store(false, std::memory_order_release); }

   private:
    void wait_until_free() const noexcept {
        for (unsigned spins = 0; locked_.load(std::memory_order_relaxed); ++spins) {
            if (spins < 64) {
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
                _mm_pause();
#endif
            } else {
                std::this_thread::yield();
            }
        }
    }

    std::atomic<bool> locked_{false};
};

}  // namespace overt::detail
