// SPDX-License-Identifier: MIT
// The http, otlp, datadog and posthog plugins, loaded through the real plugin host with the
// libcurl HTTP service, against the capture server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "capture_server.hpp"
#include "test_support.hpp"

namespace overt::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

std::string settings(const Json& j) { return j.dump(); }

class Backends : public ::testing::Test {
   protected:
    PluginHost host = make_test_host();
};

// ---- http ----

TEST_F(Backends, HttpPostsTheEventsJsonAsAnArray) {
    CaptureServer server;
    auto sink = make_sink(host, "http", settings({{"endpoint", server.url("/events")}, {"headers", {{"X-Team", "cli"}}}}));
    EXPECT_EQ(sink->describe(), "http (" + server.url("/events") + ")");
    auto events = sample_events(3);
    SendResult result = sink->send(events, deadline_in(5s));
    ASSERT_EQ(result.status, SendStatus::ok) << result.message;
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, "/events");
    EXPECT_EQ(requests[0].headers["x-team"], "cli");
    std::string expected = "[" + to_json(events[0]) + "," + to_json(events[1]) + "," + to_json(events[2]) + "]";
    EXPECT_EQ(requests[0].body, expected);
}

TEST_F(Backends, HttpMapsStatusesOntoResults) {
    CaptureServer server({{503, {}, ""}, {429, {{"Retry-After", "3"}}, ""}, {403, {}, "forbidden"}, {408, {}, ""}});
    auto sink = make_sink(host, "http", settings({{"endpoint", server.url()}, {"gzip", true}}));
    auto events = sample_events(1);
    SendResult r503 = sink->send(events, deadline_in(5s));
    EXPECT_EQ(r503.status, SendStatus::retry);
    EXPECT_NE(r503.message.find("503"), std::string::npos) << r503.message;
    SendResult r429 = sink->send(events, deadline_in(5s));
    EXPECT_EQ(r429.status, SendStatus::retry);
    EXPECT_EQ(r429.retry_after_ms, 3000);
    SendResult r403 = sink->send(events, deadline_in(5s));
    EXPECT_EQ(r403.status, SendStatus::rejected);
    EXPECT_NE(r403.message.find("forbidden"), std::string::npos) << r403.message;
    EXPECT_EQ(sink->send(events, deadline_in(5s)).status, SendStatus::retry);  // 408
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_EQ(requests[0].headers["content-encoding"], "gzip");
    EXPECT_EQ(requests[0].decoded_body, "[" + to_json(events[0]) + "]");
}

TEST_F(Backends, HttpConnectionRefusedAndHangAreRetriable) {
    int port;
    {
        CaptureServer gone;
        port = gone.port();
    }
    auto refused = make_sink(host, "http", settings({{"endpoint", "http://127.0.0.1:" + std::to_string(port)}}));
    EXPECT_EQ(refused->send(sample_events(1), deadline_in(2s)).status, SendStatus::retry);

    CaptureServer hang({ScriptedResponse::hang()});
    auto slow = make_sink(host, "http", settings({{"endpoint", hang.url()}}));
    auto start = Clock::now();
    EXPECT_EQ(slow->send(sample_events(1), deadline_in(200ms)).status, SendStatus::retry);
    EXPECT_LT(Clock::now() - start, 600ms);
}

TEST_F(Backends, BadConfigIsRefusedWithTheKeyNamed) {
    auto expect_error = [&](const std::string& plugin, const Json& config, const std::string& needle) {
        try {
            make_sink(host, plugin, settings(config));
            ADD_FAILURE() << plugin << " accepted " << config.dump();
        } catch (const PluginError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    expect_error("http", Json::object(), "endpoint");
    expect_error("http", {{"endpoint", "ftp://x/"}}, "endpoint");
    expect_error("http", {{"endpoint", "https://user:pw@x/"}}, "credentials");
    expect_error("http", {{"endpoint", "https://x/"}, {"headers", {{"Bad Name", "v"}}}}, "Bad Name");
    expect_error("otlp", {{"endpoint", "https://c"}, {"protocol", "grpc"}}, "protocol");
    expect_error("datadog", {{"site", "datadoghq.com"}}, "api_key");
    expect_error("datadog", {{"api_key", "k"}, {"site", "datadoghq.moon"}}, "datadoghq.moon");
    expect_error("posthog", {{"api_key", "phx_personal"}}, "phc_");
}

// ---- otlp ----

TEST_F(Backends, OtlpJoinsTheLogsPathWithoutADoubleSlash) {
    CaptureServer server;
    auto sink = make_sink(host, "otlp", settings({{"endpoint", server.url("/otlp/")}}));
    // overt status shows where the request goes and where each setting came from.
    EXPECT_EQ(sink->describe(), "otlp (" + server.url("/otlp/v1/logs") +
                                    ") [endpoint from config; protocol from default; gzip from default; "
                                    "timeout_ms from default]");
    ASSERT_EQ(sink->send(sample_events(2), deadline_in(5s)).status, SendStatus::ok);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, "/otlp/v1/logs");
    EXPECT_EQ(requests[0].headers["content-type"], "application/x-protobuf");
    EXPECT_FALSE(requests[0].body.empty());
}

TEST_F(Backends, OtlpJsonCarriesTheSeedAttributesAndGuardsThem) {
    CaptureServer server;
    auto sink = make_sink(host, "otlp",
                          settings({{"endpoint", server.url()},
                                    {"insecure", true},
                                    {"protocol", "http/json"},
                                    {"resource_attributes", {{"deployment.environment", "test"}}}}));
    auto events = sample_events(1);
    ASSERT_EQ(sink->send(events, deadline_in(5s)).status, SendStatus::ok);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, "/v1/logs");
    EXPECT_EQ(requests[0].headers["content-type"], "application/json");
    Json body = Json::parse(requests[0].body);
    const Json& resource = body["resourceLogs"][0]["resource"]["attributes"];
    std::map<std::string, Json> resource_attrs;
    for (const auto& a : resource) resource_attrs[a["key"]] = a["value"];
    EXPECT_EQ(resource_attrs["service.name"]["stringValue"], "mytool");
    EXPECT_EQ(resource_attrs["service.version"]["stringValue"], "1.2.3");
    EXPECT_EQ(resource_attrs["deployment.environment"]["stringValue"], "test");
    EXPECT_EQ(resource_attrs["os.version"]["stringValue"], "6.1.0-18-amd64");  // on the resource, not per record
    const Json& scope_logs = body["resourceLogs"][0]["scopeLogs"][0];
    EXPECT_EQ(scope_logs["scope"]["name"], "overt");
    const Json& record = scope_logs["logRecords"][0];
    EXPECT_EQ(record["timeUnixNano"], "1774951200123456789");
    EXPECT_TRUE(record["observedTimeUnixNano"].is_string());
    EXPECT_EQ(record["severityNumber"], 9);
    EXPECT_EQ(record["severityText"], "INFO");
    EXPECT_EQ(record["body"]["stringValue"], "cmd0");
    std::map<std::string, Json> attrs;
    for (const auto& a : record["attributes"]) {
        EXPECT_EQ(attrs.count(a["key"]), 0u) << "duplicate attribute " << a["key"];
        attrs[a["key"]] = a["value"];
    }
    EXPECT_EQ(record["eventName"], "command.invocation");  // the event's class; the name is the instance
    EXPECT_EQ(attrs["overt.event.name"]["stringValue"], "cmd0");
    EXPECT_EQ(attrs.count("event.name"), 0u);  // the deprecated attribute is gone...
    EXPECT_EQ(attrs["metadata.event.name"]["stringValue"], "shadow");  // ...and metadata cannot bring it back
    EXPECT_EQ(attrs["event.id"]["stringValue"], events[0].event_id.str());
    EXPECT_EQ(resource_attrs["host.id"]["stringValue"], "4a3f8c1d9e2b6f70");
    EXPECT_EQ(resource_attrs["process.runtime.description"]["stringValue"], "c++20-gcc12");
    for (const char* gone : {"machine.id", "go.version", "os.version", "event.type", "tool.name", "command.exit_code"})
        EXPECT_EQ(attrs.count(gone), 0u) << gone;
    EXPECT_EQ(attrs["command.duration_ms"]["intValue"], "142");
    EXPECT_EQ(attrs["process.exit.code"]["intValue"], "0");
    EXPECT_EQ(attrs["command.args"]["stringValue"], "--output <redacted>");
    EXPECT_EQ(attrs["env"]["stringValue"], "ci");
    EXPECT_EQ(attrs["unicode"]["stringValue"], "h\u00e9llo \u2603 <&>");
}

TEST_F(Backends, OtlpRetryAfterFromTheCollector) {
    CaptureServer server({{429, {{"Retry-After", "2"}}, ""}});
    auto sink = make_sink(host, "otlp", settings({{"endpoint", server.url()}, {"insecure", true}, {"gzip", true}}));
    SendResult r = sink->send(sample_events(1), deadline_in(5s));
    EXPECT_EQ(r.status, SendStatus::retry);
    EXPECT_EQ(r.retry_after_ms, 2000);
    EXPECT_EQ(server.requests().at(0).headers["content-encoding"], "gzip");
}

// ---- datadog ----

TEST_F(Backends, DatadogSendsV2ItemsWithEverythingTheSeedLost) {
    CaptureServer server({{202, {}, "{}"}});
    auto sink = make_sink(host, "datadog",
                          settings({{"api_key", "dd-key"},
                                    {"endpoint", server.url("/api/v2/logs")},
                                    {"tags", {"team:cli"}},
                                    {"source", "mytool-src"}}));
    auto events = sample_events(2);
    events[1].set_args({});
    ASSERT_EQ(sink->send(events, deadline_in(5s)).status, SendStatus::ok);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].headers["dd-api-key"], "dd-key");
    EXPECT_EQ(requests[0].headers["content-encoding"], "gzip");  // compress defaults on
    Json body = Json::parse(requests[0].decoded_body);
    ASSERT_TRUE(body.is_array());
    ASSERT_EQ(body.size(), 2u);
    const Json& item = body[0];
    EXPECT_EQ(item["message"], "command.invocation: cmd0");
    EXPECT_EQ(item["ddsource"], "mytool-src");
    EXPECT_EQ(item["ddtags"], "event_type:command.invocation,tool_version:1.2.3,os:linux,arch:amd64,team:cli");
    EXPECT_EQ(item["hostname"], "4a3f8c1d9e2b6f70");
    EXPECT_EQ(item["service"], "mytool");
    EXPECT_EQ(item["timestamp"], "2026-03-31T10:00:00.123456789Z");
    EXPECT_EQ(item["status"], "info");
    EXPECT_EQ(item["event_id"], events[0].event_id.str());
    EXPECT_EQ(item["duration_ms"], 142);
    EXPECT_EQ(item["os_version"], "6.1.0-18-amd64");
    EXPECT_EQ(item["args"], Json::array({"--output", "<redacted>"}));
    EXPECT_EQ(item["metadata"]["event.name"], "shadow");
    EXPECT_EQ(body[1]["exit_code"], 1);
    EXPECT_EQ(body[1]["error"], "exit status 2");
    EXPECT_FALSE(body[1].contains("args"));
}

TEST_F(Backends, DatadogSitesAndRegionsMapToIntakeUrls) {
    auto url_for = [&](const std::string& site) {
        return make_sink(host, "datadog", settings({{"api_key", "k"}, {"site", site}}))->describe();
    };
    EXPECT_EQ(url_for("datadoghq.eu"), "datadog (https://http-intake.logs.datadoghq.eu/api/v2/logs)");
    EXPECT_EQ(url_for("eu1"), "datadog (https://http-intake.logs.datadoghq.eu/api/v2/logs)");
    EXPECT_EQ(url_for("us1"), "datadog (https://http-intake.logs.datadoghq.com/api/v2/logs)");
    EXPECT_EQ(url_for("us5.datadoghq.com"), "datadog (https://http-intake.logs.us5.datadoghq.com/api/v2/logs)");
    EXPECT_EQ(url_for("gov"), "datadog (https://http-intake.logs.ddog-gov.com/api/v2/logs)");
    EXPECT_EQ(url_for("ap2"), "datadog (https://http-intake.logs.ap2.datadoghq.com/api/v2/logs)");
}

TEST_F(Backends, DatadogSplitsAtOneThousandEntries) {
    CaptureServer server({{202, {}, "{}"}});
    auto sink = make_sink(host, "datadog", settings({{"api_key", "k"}, {"endpoint", server.url()}, {"compress", false}}));
    auto events = sample_events(2500);
    ASSERT_EQ(sink->send(events, deadline_in(10s)).status, SendStatus::ok);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 3u);
    size_t total = 0;
    for (const auto& r : requests) {
        Json body = Json::parse(r.body);
        EXPECT_LE(body.size(), 1000u);
        total += body.size();
    }
    EXPECT_EQ(total, 2500u);
    EXPECT_EQ(Json::parse(requests[2].body)[499]["event_id"], events[2499].event_id.str());
}

TEST_F(Backends, DatadogKeepsRequestsUnderFiveMegabytesAndRejectsOversizeEntries) {
    CaptureServer server({{202, {}, "{}"}});
    auto sink = make_sink(host, "datadog", settings({{"api_key", "k"}, {"endpoint", server.url()}, {"compress", false}}));
    std::vector<Event> events;
    auto big = std::make_shared<const Metadata>(Metadata{{"blob", std::string(900'000, 'b')}});
    for (int i = 0; i < 12; ++i) {
        events.push_back(sample_event("big" + std::to_string(i)));
        events.back().metadata = big;
    }
    Event huge = sample_event("huge");
    huge.metadata = std::make_shared<const Metadata>(Metadata{{"blob", std::string(1'200'000, 'h')}});
    events.insert(events.begin() + 5, huge);
    SendResult result = sink->send(events, deadline_in(20s));
    EXPECT_EQ(result.status, SendStatus::rejected);
    EXPECT_EQ(result.accepted, 12u);
    EXPECT_NE(result.message.find(huge.event_id.view()), std::string::npos) << result.message;
    auto requests = server.requests();
    ASSERT_GE(requests.size(), 3u);
    size_t total = 0;
    for (const auto& r : requests) {
        EXPECT_LE(r.body.size(), 5'000'000u);
        total += Json::parse(r.body).size();
    }
    EXPECT_EQ(total, 12u);
}

TEST_F(Backends, DatadogRetryMidBatchReportsWhatWasDelivered) {
    CaptureServer server({{202, {}, "{}"}, {503, {{"Retry-After", "1"}}, ""}});
    auto sink = make_sink(host, "datadog", settings({{"api_key", "k"}, {"endpoint", server.url()}, {"compress", false}}));
    SendResult result = sink->send(sample_events(1500), deadline_in(10s));
    EXPECT_EQ(result.status, SendStatus::retry);
    EXPECT_EQ(result.accepted, 1000u);
    EXPECT_EQ(result.retry_after_ms, 1000);
    EXPECT_EQ(server.requests().size(), 2u);
}

// ---- posthog ----

TEST_F(Backends, PosthogBatchNeverLetsMetadataOverwriteStandardProperties) {
    CaptureServer server({{200, {}, R"({"status":1})"}});
    auto sink = make_sink(host, "posthog", settings({{"api_key", "phc_test123"}, {"host", server.url("/")}}));
    EXPECT_EQ(sink->describe(), "posthog (" + server.url("/batch/") + ")");
    auto events = sample_events(2);
    ASSERT_EQ(sink->send(events, deadline_in(5s)).status, SendStatus::ok);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, "/batch/");
    Json body = Json::parse(requests[0].body);
    EXPECT_EQ(body["api_key"], "phc_test123");
    ASSERT_EQ(body["batch"].size(), 2u);
    const Json& item = body["batch"][0];
    EXPECT_EQ(item["event"], "command.invocation");
    EXPECT_EQ(item["distinct_id"], "4a3f8c1d9e2b6f70");
    EXPECT_EQ(item["uuid"], events[0].event_id.str());
    EXPECT_EQ(item["timestamp"], "2026-03-31T10:00:00.123456789Z");
    const Json& p = item["properties"];
    EXPECT_EQ(p["event_name"], "cmd0");
    EXPECT_EQ(p["tool_name"], "mytool");  // metadata "tool_name" did not overwrite it
    EXPECT_EQ(p["metadata.tool_name"], "shadow");
    EXPECT_EQ(p["event.name"], "shadow");  // not a PostHog standard key: kept as is
    EXPECT_EQ(p["$os"], "Linux");
    EXPECT_EQ(p["$lib"], "overt");
    EXPECT_EQ(p["duration_ms"], 142);
    EXPECT_EQ(p["env"], "ci");
}

TEST_F(Backends, PosthogSplitsLargeBatchesAndRejectsWith4xx) {
    CaptureServer server({{200, {}, "{}"}, {400, {}, R"({"error":"bad"})"}});
    auto sink = make_sink(host, "posthog", settings({{"api_key", "phc_x"}, {"endpoint", server.url("/capture-batch")}}));
    SendResult result = sink->send(sample_events(1200), deadline_in(10s));
    EXPECT_EQ(result.status, SendStatus::rejected);
    EXPECT_EQ(result.accepted, 1000u);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].target, "/capture-batch");
    EXPECT_EQ(Json::parse(requests[0].body)["batch"].size(), 1000u);
    EXPECT_EQ(Json::parse(requests[1].body)["batch"].size(), 200u);
}

TEST_F(Backends, PosthogInstanceAliases) {
    EXPECT_EQ(make_sink(host, "posthog", settings({{"api_key", "phc_x"}, {"instance", "eu"}}))->describe(),
              "posthog (https://eu.i.posthog.com/batch/)");
    EXPECT_EQ(make_sink(host, "posthog", settings({{"api_key", "phc_x"}}))->describe(),
              "posthog (https://us.i.posthog.com/batch/)");
}

}  // namespace
}  // namespace overt::test
