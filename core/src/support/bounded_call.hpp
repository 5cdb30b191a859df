// SPDX-License-Identifier: MIT
// A call that cannot hold its caller past a limit. Sinks and plugins are asked to honour the
// deadline they are given, but a broken plugin (or a stuck syscall) may not: the call runs on
// its own thread and the caller stops waiting at `give_up`. An abandoned call keeps running;
// what it uses must then never be destroyed (see abandon_forever).
#pragma once

#include <overt/sink.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace overt::support {

// Runs `call` on its own thread; true when it returned by `give_up`. Everything `call` uses
// must be owned by it (captured by value or shared_ptr) or outlive the process
// (abandon_forever): after false it may still be running. Without a thread to be had
// (resource limits) `call` runs on the caller's thread, unguarded, rather than not at all.
bool run_bounded(std::function<void()> call, Deadline give_up);

// `call`'s result, or nullopt when it had not returned by `give_up`. The result is written
// into shared storage, so an abandoned call's late return is harmless.
template <typename T>
std::optional<T> call_bounded(std::function<T()> call, Deadline give_up) {
    auto result = std::make_shared<std::optional<T>>();
    if (!run_bounded([result, call = std::move(call)] { *result = call(); }, give_up)) return std::nullopt;
    return std::move(*result);
}

// A sink call: exceptions it throws come back as a fatal result naming them.
std::optional<SendResult> call_with_watchdog(std::function<SendResult()> call, Deadline give_up);

// Keeps `object` alive, never destroyed, for a call that was abandoned while using it. Held
// in a process-wide list that is never freed (reachable, so leak checkers stay quiet).
void abandon_forever(std::shared_ptr<void> object);

}  // namespace overt::support
