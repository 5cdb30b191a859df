// SPDX-License-Identifier: MIT
// Deletion by HTTP POST of {"machine_id": ...} (seed §6); only a 2xx reply counts as sent.
#include <overt/deletion.hpp>

#include "transport/http_service.hpp"

#include <nlohmann/json.hpp>

#include <utility>

namespace overt {
namespace {

class HttpDeletionRequestor final : public DeletionRequestor {
   public:
    HttpDeletionRequestor(std::string endpoint, std::shared_ptr<transport::HttpService> http)
        : endpoint_(std::move(endpoint)), http_(std::move(http)) {}

    DeletionOutcome request(std::string_view machine_id, Deadline deadline) override {
        if (endpoint_.empty()) return {false, "no deletion endpoint is configured"};
        if (!http_) return {false, "no HTTP service to reach " + endpoint_};
        transport::HttpRequest request;
        request.url = endpoint_;
        request.content_type = "application/json";
        request.body = nlohmann::json{{"machine_id", std::string(machine_id)}}.dump();
        request.deadline_ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
        transport::HttpResponse response;
        try {
            response = http_->post(request);
        } catch (const std::exception& problem) {
            return {false, "deletion request to " + endpoint_ + " failed: " + problem.what()};
        }
        if (response.status_code >= 200 && response.status_code < 300)
            return {true, "deletion request sent to " + endpoint_ + " for machine ID " + std::string(machine_id)};
        if (response.status_code == 0 || response.transport_error)
            return {false, "deletion request to " + endpoint_ + " failed: " +
                               (response.error.empty() ? std::string("no response") : response.error)};
        return {false, "deletion request to " + endpoint_ + " was refused with HTTP status " +
                           std::to_string(response.status_code)};
    }

   private:
    std::string endpoint_;
    std::shared_ptr<transport::HttpService> http_;
};

}  // namespace

std::unique_ptr<DeletionRequestor> make_http_deletion_requestor(std::string endpoint,
                                                                std::shared_ptr<transport::HttpService> http) {
    return std::make_unique<HttpDeletionRequestor>(std::move(endpoint), std::move(http));
}

}  // namespace overt
