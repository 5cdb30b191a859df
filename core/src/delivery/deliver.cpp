#include "delivery/deliver.hpp"

#include <algorithm>
#include <exception>
#include <random>
#include <thread>

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
    thread_local std::minstd_rand rng{std::random_device{}()};
    int64_t ceiling = policy.base.count() << std::min(attempt, 20u);
    ceiling = std::min<int64_t>(ceiling, policy.cap.count());
    std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(ceiling, 0));
    return std::chrono::milliseconds(pick(rng));
}

SinkDelivery deliver(Sink& sink, std::span<const Event> events, Deadline deadline, const RetryPolicy& policy,
                     const std::function<bool()>& cancelled) {
    SinkDelivery result;
    if (events.empty()) return result;
    for (unsigned attempt = 0;; ++attempt) {
        if ((cancelled && cancelled()) || Clock::now() >= deadline) {
            result.outcome = Outcome::owed;
            if (Clock::now() >= deadline) result.messages.push_back("deadline reached before delivery");
            return result;
        }
        auto remaining = events.subspan(result.accepted);
        SendResult sent;
        try {
            sent = sink.send(remaining, deadline);
        } catch (const std::exception& e) {
            sent = {SendStatus::fatal, -1, 0, std::string("sink threw: ") + e.what()};
        } catch (...) {
            sent = {SendStatus::fatal, -1, 0, "sink threw a non-standard exception"};
        }
        // A sink claiming more than it was given is clamped, never trusted past the batch.
        size_t accepted_now = std::min(sent.accepted, remaining.size());
        if (sent.status == SendStatus::ok) {
            result.accepted = events.size();
            result.outcome = Outcome::delivered;
            return result;
        }
        result.accepted += accepted_now;
        if (!sent.message.empty()) result.messages.push_back(sent.message);
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
