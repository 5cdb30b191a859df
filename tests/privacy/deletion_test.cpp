// SPDX-License-Identifier: MIT
// Deletion requestors (spec §6, §7 items 32-36): the mailto format and its injection safety,
// HTTP outcomes by status, and the event requestor's single event through a sink.
#include <overt/deletion.hpp>

#include "transport/http_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace {

using overt::transport::HttpRequest;
using overt::transport::HttpResponse;
using ::testing::HasSubstr;

overt::Deadline soon() { return overt::Clock::now() + std::chrono::seconds(5); }

TEST(EmailDeletion, SeedMailtoFormat) {
    EXPECT_EQ(overt::deletion_mailto_url("privacy@example.com", "mytool", "abc-machine-123"),
              "mailto:privacy@example.com?subject=Data+Deletion+Request+%E2%80%94+mytool"
              "&body=Please+delete+all+telemetry+data+associated+with+machine+ID%3A+abc-machine-123");
}

TEST(EmailDeletion, ToolNameAndIdCannotInjectHeadersOrParameters) {
    const std::string url =
        overt::deletion_mailto_url("privacy@example.com", "tool\r\nBcc: evil@x.org&cc=evil@x.org", "id\n&cc=a@b.c");
    EXPECT_EQ(url.find('\r'), std::string::npos);
    EXPECT_EQ(url.find('\n'), std::string::npos);
    EXPECT_EQ(url.find("&cc="), std::string::npos);
    EXPECT_THAT(url, HasSubstr("tool%0D%0ABcc%3A+evil%40x.org%26cc%3Devil%40x.org"));
    EXPECT_THAT(url, HasSubstr("id%0A%26cc%3Da%40b.c"));
    // Exactly two query parameters.
    EXPECT_EQ(std::count(url.begin(), url.end(), '&'), 1);
    EXPECT_EQ(std::count(url.begin(), url.end(), '?'), 1);
}

TEST(EmailDeletion, AddressCannotSmuggleAQuery) {
    const std::string url = overt::deletion_mailto_url("a@b.c?cc=evil@x.org&bcc=y\r\n", "t", "id");
    EXPECT_EQ(url.rfind("mailto:a@b.c%3Fcc=evil@x.org%26bcc=y%0D%0A?subject=", 0), 0u) << url;
    EXPECT_EQ(std::count(url.begin(), url.end(), '?'), 1);
    EXPECT_EQ(std::count(url.begin(), url.end(), '&'), 1);
}

TEST(EmailDeletion, NeverReportsSentAndGivesTheLink) {
    auto requestor = overt::make_email_deletion_requestor("privacy@example.com", "mytool");
    const auto outcome = requestor->request("abc-machine-123", soon());
    EXPECT_FALSE(outcome.sent);
    EXPECT_THAT(outcome.message, HasSubstr(overt::deletion_mailto_url("privacy@example.com", "mytool", "abc-machine-123")));
    EXPECT_THAT(outcome.message, HasSubstr("abc-machine-123"));

    const auto unconfigured = overt::make_email_deletion_requestor("", "mytool")->request("id", soon());
    EXPECT_FALSE(unconfigured.sent);
    EXPECT_THAT(unconfigured.message, HasSubstr("no deletion e-mail address"));
}

class FakeHttp : public overt::transport::HttpService {
   public:
    explicit FakeHttp(HttpResponse reply) : reply_(std::move(reply)) {}
    HttpResponse post(const HttpRequest& request) override {
        requests.push_back(request);
        return reply_;
    }
    std::vector<HttpRequest> requests;

   private:
    HttpResponse reply_;
};

HttpResponse status(int code) {
    HttpResponse response;
    response.status_code = code;
    return response;
}

TEST(HttpDeletion, PostsTheSeedBodyAndTwoHundredsAreSent) {
    for (int code : {200, 202, 204}) {
        auto http = std::make_shared<FakeHttp>(status(code));
        const auto deadline = soon();
        const auto outcome = overt::make_http_deletion_requestor("https://del.example/api", http)->request("abc123", deadline);
        EXPECT_TRUE(outcome.sent) << code;
        ASSERT_EQ(http->requests.size(), 1u);
        const auto& request = http->requests[0];
        EXPECT_EQ(request.url, "https://del.example/api");
        EXPECT_EQ(request.content_type, "application/json");
        EXPECT_EQ(request.body, R"({"machine_id":"abc123"})");
        EXPECT_EQ(request.deadline_ns,
                  std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count());
    }
}

TEST(HttpDeletion, ErrorStatusesAreNotSentAndNameTheStatus) {
    for (int code : {301, 400, 404, 500, 503}) {
        auto http = std::make_shared<FakeHttp>(status(code));
        const auto outcome = overt::make_http_deletion_requestor("https://del.example/api", http)->request("id", soon());
        EXPECT_FALSE(outcome.sent) << code;
        EXPECT_THAT(outcome.message, HasSubstr(std::to_string(code)));
        EXPECT_THAT(outcome.message, HasSubstr("https://del.example/api"));
    }
}

TEST(HttpDeletion, TransportErrorIsNotSentWithTheReason) {
    HttpResponse refused;
    refused.transport_error = true;
    refused.error = "Connection refused";
    auto http = std::make_shared<FakeHttp>(refused);
    const auto outcome = overt::make_http_deletion_requestor("http://127.0.0.1:1/", http)->request("id", soon());
    EXPECT_FALSE(outcome.sent);
    EXPECT_THAT(outcome.message, HasSubstr("Connection refused"));
}

TEST(HttpDeletion, ThrowingServiceIsNotSent) {
    struct Throwing : overt::transport::HttpService {
        HttpResponse post(const HttpRequest&) override { throw std::runtime_error("boom"); }
    };
    const auto outcome =
        overt::make_http_deletion_requestor("http://x/", std::make_shared<Throwing>())->request("id", soon());
    EXPECT_FALSE(outcome.sent);
    EXPECT_THAT(outcome.message, HasSubstr("boom"));
}

TEST(HttpDeletion, RealConnectionRefusedOnLoopbackIsNotSent) {
    auto http = overt::transport::make_http_service();
    const auto outcome = overt::make_http_deletion_requestor("http://127.0.0.1:1/delete", http)->request("id", soon());
    EXPECT_FALSE(outcome.sent);
    EXPECT_THAT(outcome.message, HasSubstr("127.0.0.1:1"));
}

TEST(HttpDeletion, UnconfiguredIsNotSent) {
    auto http = std::make_shared<FakeHttp>(status(200));
    EXPECT_FALSE(overt::make_http_deletion_requestor("", http)->request("id", soon()).sent);
    EXPECT_TRUE(http->requests.empty());
    EXPECT_FALSE(overt::make_http_deletion_requestor("http://x/", nullptr)->request("id", soon()).sent);
}

class RecordingSink : public overt::Sink {
   public:
    explicit RecordingSink(overt::SendResult result) : result_(std::move(result)) {}
    const std::string& id() const override { return id_; }
    std::string describe() const override { return "recording sink"; }
    overt::SendResult send(std::span<const overt::Event> events, overt::Deadline) override {
        batches.emplace_back(events.begin(), events.end());
        return result_;
    }
    std::vector<std::vector<overt::Event>> batches;

   private:
    std::string id_ = "recording";
    overt::SendResult result_;
};

TEST(EventDeletion, OneDeletionEventWithTheMachineId) {
    auto sink = std::make_shared<RecordingSink>(overt::SendResult::ok());
    const auto outcome = overt::make_event_deletion_requestor(sink)->request("abc123", soon());
    EXPECT_TRUE(outcome.sent);
    ASSERT_EQ(sink->batches.size(), 1u);
    ASSERT_EQ(sink->batches[0].size(), 1u);
    const auto& event = sink->batches[0][0];
    EXPECT_EQ(event.type, "data.deletion_request");
    EXPECT_EQ(event.name, "deletion_request");
    ASSERT_TRUE(event.origin);
    EXPECT_EQ(event.origin->machine_id, "abc123");
    EXPECT_FALSE(event.event_id.empty());
    EXPECT_GT(event.timestamp_unix_nano, 0);
}

TEST(EventDeletion, CarriesTheToolsOriginWithTheRequestedMachineId) {
    auto sink = std::make_shared<RecordingSink>(overt::SendResult::ok());
    auto origin = std::make_shared<overt::Origin>();
    origin->tool_name = "mytool";
    origin->version = "1.2.3";
    origin->machine_id = "someone-else";
    ASSERT_TRUE(overt::make_event_deletion_requestor(sink, origin)->request("abc123", soon()).sent);
    ASSERT_EQ(sink->batches.size(), 1u);
    const auto& event = sink->batches[0].at(0);
    EXPECT_EQ(event.origin->tool_name, "mytool");
    EXPECT_EQ(event.origin->version, "1.2.3");
    EXPECT_EQ(event.origin->machine_id, "abc123");
    EXPECT_EQ(origin->machine_id, "someone-else") << "the caller's origin is not modified";
}

TEST(EventDeletion, SinkFailureIsNotSent) {
    for (auto status : {overt::SendStatus::retry, overt::SendStatus::rejected, overt::SendStatus::fatal}) {
        overt::SendResult result;
        result.status = status;
        result.message = "backend said no";
        auto sink = std::make_shared<RecordingSink>(result);
        const auto outcome = overt::make_event_deletion_requestor(sink)->request("abc123", soon());
        EXPECT_FALSE(outcome.sent);
        EXPECT_THAT(outcome.message, HasSubstr("backend said no"));
        EXPECT_EQ(sink->batches.size(), 1u);
    }
    EXPECT_FALSE(overt::make_event_deletion_requestor(nullptr)->request("id", soon()).sent);
}

}  // namespace
