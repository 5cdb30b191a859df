// SPDX-License-Identifier: MIT
// What the otlp plugin makes of a collector's answer (partial_success in a 200, google.rpc.Status
// in an error), and the Datadog tag rules applied to configured tags.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "capture_server.hpp"
#include "test_support.hpp"

namespace overt::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// A protobuf length-delimited field whose tag and length fit in one byte each.
std::string protobuf_bytes_field(int number, const std::string& bytes) {
    return std::string(1, static_cast<char>(number << 3 | 2)) + static_cast<char>(bytes.size()) + bytes;
}

std::string protobuf_varint_field(int number, unsigned value) {
    return std::string(1, static_cast<char>(number << 3)) + static_cast<char>(value);
}

bool has_control_byte(const std::string& text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
    return false;
}

class CollectorAnswers : public ::testing::Test {
   protected:
    PluginHost host = make_test_host();

    // One otlp send of `count` events answered by `answer`.
    SendResult export_answered_by(ScriptedResponse answer, const std::string& protocol, size_t count = 3) {
        CaptureServer server({std::move(answer)});
        auto sink = make_sink(host, "otlp", Json{{"endpoint", server.url()}, {"protocol", protocol}}.dump());
        return sink->send(sample_events(count), deadline_in(5s));
    }

    // The ddtags of one datadog send with these configured tags.
    std::string ddtags_with(const std::vector<std::string>& tags) {
        CaptureServer server({{202, {}, "{}"}});
        auto sink = make_sink(host, "datadog",
                              Json{{"api_key", "k"}, {"endpoint", server.url()}, {"compress", false}, {"tags", tags}}.dump());
        SendResult result = sink->send(sample_events(1), deadline_in(5s));
        EXPECT_EQ(result.status, SendStatus::ok) << result.message;
        auto requests = server.requests();
        if (requests.size() != 1) {
            ADD_FAILURE() << requests.size() << " requests";
            return {};
        }
        return Json::parse(requests[0].body).at(0).at("ddtags").get<std::string>();
    }
};

// ---- otlp partial_success ----

TEST_F(CollectorAnswers, OtlpPartialSuccessCountsTheRejectedRecordsInBothEncodings) {
    const std::string reason = "2 records too old\x1b[31m";
    const std::string protobuf_answer =
        protobuf_bytes_field(1, protobuf_varint_field(1, 2) + protobuf_bytes_field(2, reason));
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"http/protobuf", protobuf_answer},
        {"http/json", Json{{"partialSuccess", {{"rejectedLogRecords", "2"}, {"errorMessage", reason}}}}.dump()},
        {"http/json", Json{{"partialSuccess", {{"rejectedLogRecords", 2}, {"errorMessage", reason}}}}.dump()},
    };
    for (const auto& [protocol, body] : cases) {
        SendResult result = export_answered_by({200, {}, body}, protocol);
        EXPECT_EQ(result.status, SendStatus::rejected) << protocol << ": " << result.message;
        EXPECT_EQ(result.accepted, 1u) << protocol;
        EXPECT_NE(result.message.find("rejected 2 of 3 log record(s): 2 records too old\\x1b[31m"), std::string::npos)
            << protocol << ": " << result.message;
        EXPECT_FALSE(has_control_byte(result.message)) << protocol << ": " << result.message;
    }
}

TEST_F(CollectorAnswers, OtlpPartialSuccessRejectingMoreThanWasSentDropsTheBatchOnly) {
    SendResult result =
        export_answered_by({200, {}, R"({"partialSuccess":{"rejectedLogRecords":"9"}})"}, "http/json", 2);
    EXPECT_EQ(result.status, SendStatus::rejected) << result.message;
    EXPECT_EQ(result.accepted, 0u);
    EXPECT_NE(result.message.find("rejected 9 of 2 log record(s): no reason given"), std::string::npos)
        << result.message;
}

TEST_F(CollectorAnswers, OtlpPartialSuccessWithoutRejectionsIsLoggedAsAWarning) {
    testing::internal::CaptureStderr();
    SendResult warned = export_answered_by(
        {200, {}, Json{{"partialSuccess", {{"errorMessage", "field\x07 deprecated"}}}}.dump()}, "http/json");
    SendResult quiet = export_answered_by({200, {}, R"({"partialSuccess":{}})"}, "http/json");
    SendResult empty_protobuf = export_answered_by({200, {}, ""}, "http/protobuf");
    const std::string logged = testing::internal::GetCapturedStderr();
    EXPECT_EQ(warned.status, SendStatus::ok) << warned.message;
    EXPECT_EQ(quiet.status, SendStatus::ok) << quiet.message;
    EXPECT_EQ(empty_protobuf.status, SendStatus::ok) << empty_protobuf.message;
    EXPECT_NE(logged.find("warns: field\\x07 deprecated"), std::string::npos) << logged;
    EXPECT_EQ(logged.find('\x07'), std::string::npos) << logged;
    EXPECT_EQ(logged.find("warns:", logged.find("warns:") + 1), std::string::npos) << "logged twice: " << logged;
}

// ---- otlp error bodies ----

TEST_F(CollectorAnswers, OtlpErrorBodyIsShownAsTheStatusCodeAndMessage) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"\x08\x03\x12\x08" "bad data", "HTTP 400: code 3: bad data"},
        {protobuf_varint_field(1, 3) + protobuf_bytes_field(2, "bad\x1b[2Jdata") + protobuf_bytes_field(3, "\x0a\x01x"),
         "HTTP 400: code 3: bad\\x1b[2Jdata"},
        {R"({"code":3,"message":"bad\u001bdata","details":[]})", "HTTP 400: code 3: bad\\x1bdata"},
        {"<html>\x1b[2J not found</html>", "HTTP 400: <html>\\x1b[2J not found</html>"},
        {"caf\xc3\xa9 \xff\xc2\x9b", "HTTP 400: caf\xc3\xa9 \\xff\\xc2\\x9b"},
    };
    for (const auto& [body, expected] : cases) {
        SendResult result = export_answered_by({400, {}, body}, "http/protobuf");
        EXPECT_EQ(result.status, SendStatus::rejected) << result.message;
        EXPECT_NE(result.message.find(expected), std::string::npos) << result.message;
        EXPECT_FALSE(has_control_byte(result.message)) << result.message;
    }
}

TEST_F(CollectorAnswers, OtlpErrorBodyShownIsBounded) {
    SendResult result = export_answered_by({503, {}, std::string(5000, '\x01')}, "http/protobuf");
    EXPECT_EQ(result.status, SendStatus::retry);
    EXPECT_LT(result.message.size(), 1200u) << result.message.size();
    EXPECT_NE(result.message.find("\\x01..."), std::string::npos) << result.message;
    EXPECT_FALSE(has_control_byte(result.message));
}

// ---- datadog tags ----

TEST_F(CollectorAnswers, DatadogTagsDatadogCannotStoreMakeTheConfigInvalid) {
    const std::vector<std::string> invalid_tags = {"a:b,injected:x", "1team:cli", "_team", "team:", std::string(201, 'a'),
                                                   "bad\x01,x"};
    for (const std::string& tag : invalid_tags) {
        try {
            make_sink(host, "datadog", Json{{"api_key", "k"}, {"tags", {"env:ci", tag}}}.dump());
            ADD_FAILURE() << tag << ": accepted";
        } catch (const PluginError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("'tags'"), std::string::npos) << what;
            EXPECT_FALSE(has_control_byte(what)) << what;
            if (tag.size() < 30) {
                EXPECT_NE(what.find(Json(tag).dump(-1, ' ', true, Json::error_handler_t::replace)), std::string::npos)
                    << what;
            }
        }
    }
}

TEST_F(CollectorAnswers, DatadogTagsAreSentAsDatadogStoresThem) {
    const std::string ddtags =
        ddtags_with({"Bad Tag", "team:CLI/Build.v2", "env:dev-1_x", "r\xc3\xa9gion:eu!", std::string(200, 'z')});
    EXPECT_NE(ddtags.find(",bad_tag,team:cli/build.v2,env:dev-1_x,r\xc3\xa9gion:eu_," + std::string(200, 'z')),
              std::string::npos)
        << ddtags;
    EXPECT_EQ(ddtags.find("Bad Tag"), std::string::npos) << ddtags;
}

}  // namespace
}  // namespace overt::test
