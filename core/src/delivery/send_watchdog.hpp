// A sink call that cannot hold its caller past a limit. Sinks are asked to honour the deadline
// they are given, but a broken plugin (or a stuck syscall) may not: the call runs on its own
// thread and the caller stops waiting at `give_up`. An abandoned call keeps running; the sink
// must then never be called again nor destroyed (see abandon_forever).
#pragma once

#include <overt/sink.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace overt::delivery {

// Runs `call` and returns its result, or nullopt when it had not returned by `give_up`.
// Everything `call` uses must be owned by it (captured by value or shared_ptr) or outlive the
// process (abandon_forever): after nullopt it may still be running. Exceptions thrown by
// `call` come back as a fatal result naming them.
std::optional<SendResult> call_with_watchdog(std::function<SendResult()> call, Deadline give_up);

// Keeps `object` alive, never destroyed, for a call that was abandoned while using it. Held
// in a process-wide list that is never freed (reachable, so leak checkers stay quiet).
void abandon_forever(std::shared_ptr<void> object);

}  // namespace overt::delivery
