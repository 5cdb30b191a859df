// Delivering one batch to one sink: retries with exponential backoff and full jitter inside
// the deadline, honouring the receiver's retry-after, keeping track of an accepted prefix.
#pragma once

#include <overt/sink.hpp>

#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace overt::delivery {

struct RetryPolicy {
    std::chrono::milliseconds base{100};
    std::chrono::milliseconds cap{5000};
};

enum class Outcome {
    delivered,  // all accepted
    rejected,   // events [accepted, n) refused for good
    owed,       // events [accepted, n) not delivered before the deadline (or cancelled)
    fatal,      // the sink is broken: [accepted, n) owed, skip the sink for the rest of the run
};

struct SinkDelivery {
    Outcome outcome = Outcome::delivered;
    size_t accepted = 0;
    uint64_t retries = 0;
    std::vector<std::string> messages;
};

// `cancelled` is polled between attempts and while waiting (drop() cancels queued retries).
SinkDelivery deliver(Sink& sink, std::span<const Event> events, Deadline deadline, const RetryPolicy& policy,
                     const std::function<bool()>& cancelled);

// Full jitter: uniform in [0, min(cap, base * 2^attempt)].
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, unsigned attempt);

}  // namespace overt::delivery
