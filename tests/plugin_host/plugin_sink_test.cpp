// SPDX-License-Identifier: MIT
// PluginSink: event conversion, result mapping, fatal latching, host API.
#include "plugin/plugin_host_factory.hpp"
#include "test_support.hpp"

#include <overt/plugins.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

using overt::BackendConfig;
using overt::PluginHost;
using overt::SendStatus;
using overt::test::TempDir;
using overt::test::soon;
using testing::HasSubstr;

namespace {

std::unique_ptr<overt::Sink> make_good(const std::string& settings, const std::string& id = "good") {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    return host.create_sink({"good", id, settings, "", 0});
}

std::vector<nlohmann::json> recorded(const std::string& path) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(overt::test::read_file(path));
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

}  // namespace

TEST(PluginSink, HandsEveryFieldToThePlugin) {
    TempDir dir;
    const std::string record = dir.file("record.ndjson");
    auto sink = make_good(nlohmann::json{{"record", record}}.dump(), "rec");
    EXPECT_EQ(sink->id(), "rec");

    std::vector<overt::Event> events{overt::test::sample_event("first"), overt::test::sample_event("second")};
    // Unsorted metadata still reaches the plugin sorted.
    events[1].metadata = std::make_shared<overt::Metadata>(overt::Metadata{{"zeta", "z"}, {"alpha", "a"}});
    const auto deadline = soon();
    const auto result = sink->send(events, deadline);
    ASSERT_EQ(result.status, SendStatus::ok) << result.message;

    const auto lines = recorded(record);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0]["json"], overt::to_json(events[0]));
    EXPECT_EQ(lines[1]["json"], overt::to_json(events[1]));
    EXPECT_EQ(lines[0]["event_id"], events[0].event_id.str());
    EXPECT_EQ(lines[0]["timestamp"], overt::format_timestamp(events[0].timestamp_unix_nano));
    EXPECT_EQ(lines[1]["timestamp"], overt::format_timestamp(events[1].timestamp_unix_nano));
    EXPECT_EQ(lines[0]["name"], "first");
    EXPECT_EQ(lines[0]["tool_name"], "mytool");
    EXPECT_EQ(lines[0]["exit_code"], 3);
    EXPECT_EQ(lines[0]["args"], nlohmann::json::parse(R"(["--flag", "value"])"));
    EXPECT_EQ(lines[0]["metadata"], nlohmann::json::parse(R"([["alpha", "1"], ["beta", "2"]])"));
    EXPECT_EQ(lines[1]["metadata"], nlohmann::json::parse(R"([["alpha", "a"], ["zeta", "z"]])"));
    const int64_t deadline_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
    EXPECT_EQ(lines[0]["deadline_ns"], deadline_ns);
    // The host clock is the deadline's clock: "now" is before a deadline 5 s away.
    EXPECT_LT(lines[0]["now_ns"].get<int64_t>(), deadline_ns);
    EXPECT_GT(lines[0]["now_ns"].get<int64_t>(), deadline_ns - int64_t{10'000'000'000});

    // Buffers are reused: a second, smaller batch is converted afresh.
    ASSERT_EQ(sink->send(std::span(events).first(1), soon()).status, SendStatus::ok);
    EXPECT_EQ(recorded(record).at(2)["name"], "first");
}

TEST(PluginSink, APluginDeclaringNoEventJsonGetsNoJsonAndTheRestUnchanged) {
    TempDir dir;
    const std::string with_json = dir.file("with.ndjson");
    const std::string without_json = dir.file("without.ndjson");
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    auto good = host.create_sink({"good", "good", nlohmann::json{{"record", with_json}}.dump(), "", 0});
    auto nojson = host.create_sink({"nojson", "nojson", nlohmann::json{{"record", without_json}}.dump(), "", 0});

    std::vector<overt::Event> events{overt::test::sample_event("first"), overt::test::sample_event("second")};
    events[1].timestamp_unix_nano = 1'700'000'000'123'400'000;  // a fraction with trailing zeros
    for (int round = 0; round < 2; ++round) {  // the second batch reuses the first one's buffers
        ASSERT_EQ(good->send(events, soon()).status, SendStatus::ok);
        ASSERT_EQ(nojson->send(events, soon()).status, SendStatus::ok);
    }

    const auto with = recorded(with_json);
    const auto without = recorded(without_json);
    ASSERT_EQ(with.size(), 4u);
    ASSERT_EQ(without.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        const overt::Event& e = events[i % 2];
        // Without the flag: the JSON as before.
        EXPECT_EQ(with[i]["json"], overt::to_json(e));
        EXPECT_EQ(with[i]["json_data_null"], false);
        // With it: {NULL, 0}, as backend.h says.
        EXPECT_EQ(without[i]["json"], "");
        EXPECT_EQ(without[i]["json_data_null"], true);
        EXPECT_EQ(without[i]["json_size"], 0);
        // Every structured field is the same either way, the timestamp text included.
        EXPECT_EQ(without[i]["timestamp"], overt::format_timestamp(e.timestamp_unix_nano));
        for (const char* field : {"timestamp", "event_id", "name", "tool_name", "exit_code", "args", "metadata"})
            EXPECT_EQ(without[i][field], with[i][field]) << field;
    }
}

TEST(PluginSink, EventsWithoutOriginOrMetadataAreFine) {
    TempDir dir;
    auto sink = make_good(nlohmann::json{{"record", dir.file("r")}}.dump());
    overt::Event bare;
    bare.event_id = overt::new_event_id();
    bare.type = "feature.used";
    bare.name = "x";
    ASSERT_EQ(sink->send(std::span(&bare, 1), soon()).status, SendStatus::ok);
    const auto lines = recorded(dir.file("r"));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["tool_name"], "");
    EXPECT_TRUE(lines[0]["metadata"].empty());
}

TEST(PluginSink, RetryCarriesRetryAfterAndAcceptedClampedToTheBatch) {
    auto sink = make_good(R"({"behaviour": "retry", "retry_after_ms": 1500, "accept": 7})");
    std::vector<overt::Event> events{overt::test::sample_event("a"), overt::test::sample_event("b")};
    const auto result = sink->send(events, soon());
    EXPECT_EQ(result.status, SendStatus::retry);
    EXPECT_EQ(result.retry_after_ms, 1500);
    EXPECT_EQ(result.accepted, 2u);
    EXPECT_EQ(result.message, "try later");
}

TEST(PluginSink, RejectedKeepsAcceptedCount) {
    auto sink = make_good(R"({"behaviour": "reject", "accept": 1})");
    std::vector<overt::Event> events{overt::test::sample_event("a"), overt::test::sample_event("b")};
    const auto result = sink->send(events, soon());
    EXPECT_EQ(result.status, SendStatus::rejected);
    EXPECT_EQ(result.accepted, 1u);
    EXPECT_EQ(result.retry_after_ms, -1);
    EXPECT_EQ(result.message, "no thanks");
}

TEST(PluginSink, FatalLatchesAndLaterSendsRepeatTheMessage) {
    auto sink = make_good(R"({"behaviour": "fatal"})");
    auto event = overt::test::sample_event("a");
    const auto first = sink->send(std::span(&event, 1), soon());
    EXPECT_EQ(first.status, SendStatus::fatal);
    EXPECT_EQ(first.message, "broken for good");
    const auto second = sink->send(std::span(&event, 1), soon());
    EXPECT_EQ(second.status, SendStatus::fatal);
    EXPECT_EQ(second.message, "broken for good");
    EXPECT_EQ(sink->flush(soon()).status, SendStatus::fatal);
}

TEST(PluginSink, ThrowingSendBecomesFatalWithItsMessage) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    auto sink = host.create_sink({"throwsend", "", "{}", "", 0});
    auto event = overt::test::sample_event("a");
    const auto result = sink->send(std::span(&event, 1), soon());
    EXPECT_EQ(result.status, SendStatus::fatal);
    EXPECT_EQ(result.message, "send threw: send exploded on purpose");
    EXPECT_EQ(sink->send(std::span(&event, 1), soon()).status, SendStatus::fatal);
}

TEST(PluginSink, UnknownStatusIsFatal) {
    auto sink = make_good(R"({"behaviour": "bad_status"})");
    auto event = overt::test::sample_event("a");
    const auto result = sink->send(std::span(&event, 1), soon());
    EXPECT_EQ(result.status, SendStatus::fatal);
    EXPECT_THAT(result.message, HasSubstr("send returned unknown status 7"));
}

TEST(PluginSink, DescribeUsesThePluginOrFallsBackToItsName) {
    EXPECT_EQ(make_good(R"({"label": "x"})")->describe(), "good (x)");
    EXPECT_EQ(make_good("{}")->describe(), "good");
    EXPECT_EQ(make_good("")->flush(soon()).status, SendStatus::ok);
}

TEST(PluginSink, HttpWithoutAServiceIsATransportError) {
    auto host = overt::plugin::make_plugin_host({OVERT_TEST_PLUGIN_DIR}, nullptr);
    auto sink = host.create_sink({"good", "", R"({"behaviour": "http"})", "", 0});
    auto event = overt::test::sample_event("a");
    const auto result = sink->send(std::span(&event, 1), soon());
    EXPECT_EQ(result.status, SendStatus::retry);
    EXPECT_THAT(result.message, HasSubstr("host offers no HTTP service"));
}

namespace {
class CannedHttp final : public overt::transport::HttpService {
   public:
    overt::transport::HttpResponse post(const overt::transport::HttpRequest& request) override {
        last = request;
        overt::transport::HttpResponse r;
        r.status_code = 503;
        r.retry_after_ms = 2000;
        r.body = "busy";
        return r;
    }
    overt::transport::HttpRequest last;
};
}  // namespace

TEST(PluginSink, HttpGoesThroughTheHostService) {
    auto http = std::make_shared<CannedHttp>();
    auto host = overt::plugin::make_plugin_host({OVERT_TEST_PLUGIN_DIR}, http);
    auto sink = host.create_sink({"good", "", R"({"behaviour": "http"})", "", 0});
    auto event = overt::test::sample_event("a");
    const auto result = sink->send(std::span(&event, 1), soon());
    EXPECT_EQ(result.status, SendStatus::retry);
    EXPECT_EQ(result.retry_after_ms, 2000);
    EXPECT_EQ(result.message, "posting: HTTP 503: busy");
    EXPECT_EQ(http->last.url, "http://127.0.0.1:9/");
    EXPECT_EQ(http->last.body, "[]");
    EXPECT_EQ(http->last.content_type, "application/json");
}
