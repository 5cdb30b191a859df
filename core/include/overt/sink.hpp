// SPDX-License-Identifier: MIT
// Where the collector delivers events: a backend plugin instance (through the plugin host)
// or an in-process sink a tool author or a test provides.
#pragma once

#include <overt/export.hpp>

#include <overt/event.hpp>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace overt {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

enum class SendStatus { ok, retry, rejected, fatal };

struct SendResult {
    SendStatus status = SendStatus::ok;
    int64_t retry_after_ms = -1;  // with retry: the receiver's hint, -1 for none
    size_t accepted = 0;          // with retry/rejected: the first N events were delivered
    std::string message;

    static SendResult ok() { return {}; }
};

class OVERT_API Sink {
   public:
    virtual ~Sink() = default;
    // Unique within one collector; spill files record which sinks still owe an event.
    virtual const std::string& id() const = 0;
    // One line for humans, e.g. "otlp (https://collector:4318)".
    virtual std::string describe() const = 0;
    // Called from one thread at a time.
    virtual SendResult send(std::span<const Event> events, Deadline deadline) = 0;
    virtual SendResult flush(Deadline) { return SendResult::ok(); }
};

}  // namespace overt
