// SPDX-License-Identifier: MIT
// A guard against going quadratic that does not depend on how fast the machine is: it times the
// same work on an input and on one `factor` times as long, and gives the ratio. Linear work gives
// about `factor`, quadratic about factor squared. The fastest of a few tries of each size is
// used, so a busy machine (sanitizers, a shared CI runner) slows both sides alike.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <limits>
#include <string>

namespace overt::test {

template <class MakeInput, class Work>
double growth_ratio(MakeInput make_input, size_t small_size, size_t factor, Work work, int tries = 3) {
    const std::string small = make_input(small_size);
    const std::string large = make_input(small_size * factor);
    auto fastest = std::chrono::steady_clock::duration::max();
    auto fastest_large = std::chrono::steady_clock::duration::max();
    for (int i = 0; i < tries; ++i) {
        for (const std::string* input : {&small, &large}) {
            const auto start = std::chrono::steady_clock::now();
            work(*input);
            const auto took = std::chrono::steady_clock::now() - start;
            auto& best = input == &small ? fastest : fastest_large;
            best = std::min(best, took);
        }
    }
    const auto small_ns = std::max<long long>(1, std::chrono::duration_cast<std::chrono::nanoseconds>(fastest).count());
    return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(fastest_large).count()) /
           static_cast<double>(small_ns);
}

}  // namespace overt::test
