// SPDX-License-Identifier: MIT
// Delivering one batch to one sink: retries with exponential backoff and full jitter inside
// the deadline, honouring the receiver's retry-after, keeping track of an accepted prefix.
#pragma once

#include <overt/sink.hpp>

#include <chrono>
#include <functional>
#include <memory>
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
    hung,       // a send did not return by give_up: [accepted, n) owed; the call still runs, so
                // the sink must never be called again nor destroyed (support::abandon_forever)
};

struct SinkDelivery {
    Outcome outcome = Outcome::delivered;
    size_t accepted = 0;
    uint64_t retries = 0;
    std::vector<std::string> messages;
};

// The time a delivery may take: sinks are told `deadline`; a send still running at `give_up`
// (a sink ignoring its deadline) is abandoned.
struct DeliveryLimits {
    Deadline deadline;
    Deadline give_up;
};

// Delivers `batch` to `sink`. The batch is shared because an abandoned send keeps reading it.
// `cancelled` is polled between attempts and while waiting (drop() cancels queued retries).
SinkDelivery deliver(Sink& sink, std::shared_ptr<const std::vector<Event>> batch, DeliveryLimits limits,
                     const RetryPolicy& policy, const std::function<bool()>& cancelled);

// Full jitter: uniform in [0, min(cap, base * 2^attempt)].
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, unsigned attempt);

}  // namespace overt::delivery
