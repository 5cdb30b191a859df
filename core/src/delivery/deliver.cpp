// SPDX-License-Identifier: MIT
#include "delivery/deliver.hpp"

#include "support/bounded_call.hpp"
#include "support/mask_secrets.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <random>
#include <thread>

#include <unistd.h>

namespace overt::delivery {
namespace {

constexpr auto kWaitSlice = std::chrono::milliseconds(20);

// Sleeps until `until`, waking every slice to honour cancellation. False if cancelled.
bool wait_until(Clock::time_point until, const std::function<bool()>& cancelled) {
    while (Clock::now() < until) {
        if (cancelled && cancelled()) return false;
        std::this_thread::sleep_for(std::min<Clock::duration>(kWaitSlice, until - Clock::now()));
    }
    return !(cancelled && cancelled());
}

}  // namespace

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, unsigned attempt) {
    // Reseeded in a forked child: processes forked from one parent would otherwise retry in
    // lock-step, the herd the jitter is there to break up. getpid() is a system call, but this
    // runs only before a retry.
    thread_local std::minstd_rand rng;
    thread_local pid_t seeded_for = 0;
    if (const pid_t pid = ::getpid(); pid != seeded_for) {
        rng.seed(std::random_device{}());
        seeded_for = pid;
    }
    int64_t ceiling = policy.base.count() << std::min(attempt, 20u);
    ceiling = std::min<int64_t>(ceiling, policy.cap.count());
    std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(ceiling, 0));
    return std::chrono::milliseconds(pick(rng));
}

SinkDelivery deliver(Sink& sink, std::shared_ptr<const std::vector<Event>> batch, DeliveryLimits limits,
                     const RetryPolicy& policy, const std::function<bool()>& cancelled) {
    SinkDelivery result;
    if (!batch) return result;
    const std::span<const Event> events(*batch);
    const Deadline deadline = limits.deadline;
    if (events.empty()) return result;
    for (unsigned attempt = 0;; ++attempt) {
        if ((cancelled && cancelled()) || Clock::now() >= deadline) {
            result.outcome = Outcome::owed;
            if (Clock::now() >= deadline) result.messages.push_back("deadline reached before delivery");
            return result;
        }
        auto remaining = events.subspan(result.accepted);
        // The call owns the batch; the sink outlives it (abandoned sinks are never destroyed).
        std::optional<SendResult> returned = support::call_with_watchdog(
            [&sink, batch, remaining, deadline] { return sink.send(remaining, deadline); },
            std::max(limits.give_up, deadline));
        if (!returned) {
            result.outcome = Outcome::hung;
            result.messages.push_back("send did not return by its deadline; backend abandoned for this run");
            return result;
        }
        SendResult sent = std::move(*returned);
        // A sink claiming more than it was given is clamped, never trusted past the batch.
        size_t accepted_now = std::min(sent.accepted, remaining.size());
        if (sent.status == SendStatus::ok) {
            result.accepted = events.size();
            result.outcome = Outcome::delivered;
            return result;
        }
        result.accepted += accepted_now;
        // Any Sink, not only a plugin's, may quote its endpoint: reports and logs get it masked.
        if (!sent.message.empty()) result.messages.push_back(support::mask_secrets(sent.message));
        if (sent.status == SendStatus::rejected) {
            result.outcome = Outcome::rejected;
            return result;
        }
        if (sent.status == SendStatus::fatal) {
            result.outcome = Outcome::fatal;
            return result;
        }
        // retry
        ++result.retries;
        if (result.accepted == events.size()) {
            result.outcome = Outcome::delivered;
            return result;
        }
        auto delay = backoff_delay(policy, attempt);
        if (sent.retry_after_ms >= 0) delay = std::max(delay, std::chrono::milliseconds(sent.retry_after_ms));
        auto wake = Clock::now() + delay;
        if (wake >= deadline) {
            result.outcome = Outcome::owed;
            result.messages.push_back("gave up retrying: next attempt would pass the deadline");
            return result;
        }
        if (!wait_until(wake, cancelled)) {
            result.outcome = Outcome::owed;
            return result;
        }
    }
}

}  // namespace overt::delivery
