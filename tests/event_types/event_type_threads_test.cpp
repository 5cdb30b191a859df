// SPDX-License-Identifier: MIT
// Interning event types from many threads at once.
#include <overt/event.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace overt {
namespace {

// Threads interning the same and different texts at once: one entry per text. (TSan checks
// the locking.)
TEST(EventType, InterningIsThreadSafe) {
    constexpr int kThreads = 8;
    constexpr int kTypesPerThread = 8;
    std::vector<std::vector<const char*>> seen(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([t, &seen] {
            for (int round = 0; round < 200; ++round)
                for (int k = 0; k < kTypesPerThread; ++k) {
                    // Half the texts are shared by all threads, half are the thread's own.
                    const std::string text = k % 2 ? "threaded.shared." + std::to_string(k)
                                                   : "threaded.own." + std::to_string(t) + "." + std::to_string(k);
                    EventType type(text);
                    if (type.view() != text) std::abort();
                    if (round == 0) seen[t].push_back(type.view().data());
                }
        });
    for (auto& thread : threads) thread.join();
    for (int t = 1; t < kThreads; ++t)
        for (int k = 1; k < kTypesPerThread; k += 2) EXPECT_EQ(seen[t][k], seen[0][k]) << "shared text " << k;
    std::set<const char*> distinct;
    for (const auto& per_thread : seen) distinct.insert(per_thread.begin(), per_thread.end());
    EXPECT_EQ(distinct.size(), size_t{kThreads * kTypesPerThread / 2 + kTypesPerThread / 2});
}

}  // namespace
}  // namespace overt
