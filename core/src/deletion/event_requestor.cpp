// SPDX-License-Identifier: MIT
// Deletion by a data.deletion_request event through a sink (seed §6); sent only if the sink
// accepted it, unlike the seed which reported success over a noop backend.
#include <overt/deletion.hpp>

#include <chrono>
#include <utility>

namespace overt {
namespace {

class EventDeletionRequestor final : public DeletionRequestor {
   public:
    EventDeletionRequestor(std::shared_ptr<Sink> sink, std::shared_ptr<const Origin> origin)
        : sink_(std::move(sink)), origin_(std::move(origin)) {}

    DeletionOutcome request(std::string_view machine_id, Deadline deadline) override {
        if (!sink_) return {false, "no backend to send the deletion request to"};
        Event event;
        event.event_id = generate_event_id();
        event.timestamp_unix_nano = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
        event.type = event_type::deletion_request;
        event.name = "deletion_request";
        auto origin = origin_ ? std::make_shared<Origin>(*origin_) : std::make_shared<Origin>();
        origin->machine_id = std::string(machine_id);
        event.origin = std::move(origin);
        SendResult result;
        try {
            result = sink_->send(std::span<const Event>(&event, 1), deadline);
            if (result.status == SendStatus::ok) result = sink_->flush(deadline);
        } catch (const std::exception& problem) {
            return {false, "deletion request through " + sink_->describe() + " failed: " + problem.what()};
        }
        if (result.status == SendStatus::ok)
            return {true, "deletion request sent through " + sink_->describe() + " for machine ID " +
                              std::string(machine_id)};
        return {false, "deletion request through " + sink_->describe() + " was not delivered" +
                           (result.message.empty() ? std::string() : ": " + result.message)};
    }

   private:
    std::shared_ptr<Sink> sink_;
    std::shared_ptr<const Origin> origin_;
};

}  // namespace

std::unique_ptr<DeletionRequestor> make_event_deletion_requestor(std::shared_ptr<Sink> sink,
                                                                 std::shared_ptr<const Origin> origin) {
    return std::make_unique<EventDeletionRequestor>(std::move(sink), std::move(origin));
}

}  // namespace overt
