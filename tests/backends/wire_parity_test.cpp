// SPDX-License-Identifier: MIT
// Where the otlp and posthog plugins must send what the official SDKs send: the OTLP resource,
// retry rules, endpoint query and User-Agent; PostHog's privacy flags, sent_at and $os.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../privacy/test_env.hpp"
#include "capture_server.hpp"
#include "test_support.hpp"

#ifndef OVERT_TEST_RELEASE_VERSION
#error "OVERT_TEST_RELEASE_VERSION must be the project version the plugins report"
#endif

namespace overt::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::string_view kReleaseVersion = OVERT_TEST_RELEASE_VERSION;

// ---- a minimal protobuf wire reader, enough to walk an ExportLogsServiceRequest ----

struct WireField {
    uint32_t number = 0;
    uint64_t varint = 0;     // wire types 0 and 1
    std::string_view bytes;  // wire type 2
};

uint64_t read_varint(std::string_view data, size_t& at) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (at >= data.size()) throw std::runtime_error("truncated varint");
        const auto byte = static_cast<unsigned char>(data[at++]);
        value |= uint64_t{byte & 0x7fu} << shift;
        if (!(byte & 0x80)) return value;
    }
    throw std::runtime_error("varint too long");
}

std::vector<WireField> read_message(std::string_view data) {
    std::vector<WireField> fields;
    size_t at = 0;
    while (at < data.size()) {
        const uint64_t tag = read_varint(data, at);
        WireField field;
        field.number = static_cast<uint32_t>(tag >> 3);
        switch (tag & 7) {
            case 0: field.varint = read_varint(data, at); break;
            case 1:
                if (data.size() - at < 8) throw std::runtime_error("truncated fixed64");
                for (int i = 0; i < 8; ++i)
                    field.varint |= uint64_t{static_cast<unsigned char>(data[at + i])} << (8 * i);
                at += 8;
                break;
            case 2: {
                const uint64_t size = read_varint(data, at);
                if (size > data.size() - at) throw std::runtime_error("truncated length-delimited field");
                field.bytes = data.substr(at, size);
                at += size;
                break;
            }
            default: throw std::runtime_error("unexpected wire type " + std::to_string(tag & 7));
        }
        fields.push_back(field);
    }
    return fields;
}

std::vector<std::string_view> submessages(std::string_view message, uint32_t number) {
    std::vector<std::string_view> out;
    for (const auto& field : read_message(message))
        if (field.number == number) out.push_back(field.bytes);
    return out;
}

// Attribute key -> value, ints written as decimal text (as OTLP/JSON carries them).
using Attributes = std::map<std::string, std::string>;

struct DecodedResource {
    Attributes attributes;
    std::vector<Attributes> records;
    std::vector<std::string> event_names;  // LogRecord.event_name (12) / eventName, per record
};

// KeyValue: key = 1, value = 2; AnyValue: string_value = 1, int_value = 3.
Attributes protobuf_attributes(const std::vector<std::string_view>& key_values) {
    Attributes out;
    for (std::string_view key_value : key_values) {
        std::string key, value;
        for (const auto& field : read_message(key_value)) {
            if (field.number == 1) key = field.bytes;
            if (field.number != 2) continue;
            for (const auto& any : read_message(field.bytes)) {
                if (any.number == 1) value = any.bytes;
                if (any.number == 3) value = std::to_string(static_cast<int64_t>(any.varint));
            }
        }
        EXPECT_EQ(out.count(key), 0u) << "duplicate attribute " << key;
        out[key] = value;
    }
    return out;
}

// ExportLogsServiceRequest.resource_logs = 1; ResourceLogs.resource = 1, .scope_logs = 2;
// Resource.attributes = 1; ScopeLogs.log_records = 2; LogRecord.attributes = 6.
std::vector<DecodedResource> decode_protobuf(std::string_view body) {
    std::vector<DecodedResource> out;
    for (std::string_view resource_logs : submessages(body, 1)) {
        DecodedResource decoded;
        for (std::string_view resource : submessages(resource_logs, 1))
            decoded.attributes = protobuf_attributes(submessages(resource, 1));
        for (std::string_view scope_logs : submessages(resource_logs, 2))
            for (std::string_view record : submessages(scope_logs, 2)) {
                decoded.records.push_back(protobuf_attributes(submessages(record, 6)));
                const auto names = submessages(record, 12);
                EXPECT_LE(names.size(), 1u);
                decoded.event_names.emplace_back(names.empty() ? std::string_view() : names.front());
            }
        out.push_back(std::move(decoded));
    }
    return out;
}

Attributes json_attributes(const Json& attributes) {
    Attributes out;
    for (const auto& a : attributes) {
        const Json& value = a.at("value");
        EXPECT_EQ(out.count(a.at("key")), 0u) << "duplicate attribute " << a.at("key");
        out[a.at("key")] = value.contains("intValue") ? value["intValue"].get<std::string>()
                                                      : value.at("stringValue").get<std::string>();
    }
    return out;
}

std::vector<DecodedResource> decode_json(const std::string& body) {
    std::vector<DecodedResource> out;
    const Json parsed = Json::parse(body);
    for (const auto& resource_logs : parsed.at("resourceLogs")) {
        DecodedResource decoded;
        decoded.attributes = json_attributes(resource_logs.at("resource").at("attributes"));
        for (const auto& scope_logs : resource_logs.at("scopeLogs"))
            for (const auto& record : scope_logs.at("logRecords")) {
                decoded.records.push_back(json_attributes(record.at("attributes")));
                decoded.event_names.push_back(record.value("eventName", std::string()));
            }
        out.push_back(std::move(decoded));
    }
    return out;
}

class WireParity : public ::testing::Test {
   protected:
    PluginHost host = make_test_host();

    // The resources of one otlp export of `events`, in the given protocol.
    std::vector<DecodedResource> export_through_otlp(const std::vector<Event>& events, const std::string& protocol) {
        CaptureServer server;
        auto sink = make_sink(host, "otlp", Json{{"endpoint", server.url()}, {"protocol", protocol}}.dump());
        SendResult result = sink->send(events, deadline_in(5s));
        EXPECT_EQ(result.status, SendStatus::ok) << result.message;
        auto requests = server.requests();
        if (requests.size() != 1) {
            ADD_FAILURE() << protocol << ": " << requests.size() << " requests";
            return {};
        }
        return protocol == "http/json" ? decode_json(requests[0].body) : decode_protobuf(requests[0].body);
    }

    // The body of one posthog send to a capture server.
    Json send_through_posthog(const std::vector<Event>& events, Json settings = Json::object()) {
        CaptureServer server({{200, {}, R"({"status":1})"}});
        settings["api_key"] = "phc_test123";
        settings["host"] = server.url("/");
        auto sink = make_sink(host, "posthog", settings.dump());
        SendResult result = sink->send(events, deadline_in(5s));
        EXPECT_EQ(result.status, SendStatus::ok) << result.message;
        auto requests = server.requests();
        if (requests.size() != 1) {
            ADD_FAILURE() << requests.size() << " requests";
            return Json::object();
        }
        return Json::parse(requests[0].body);
    }
};

Event event_from(const std::string& os, const std::string& os_version) {
    Event e = sample_event();
    e.origin = std::make_shared<const Origin>(
        Origin{"4a3f8c1d9e2b6f70", "mytool", "1.2.3", os, "arm64", "c++20-clang17", os_version});
    return e;
}

// ---- otlp ----

TEST_F(WireParity, OtlpResourceNamesTheSdkAndCarriesTheHostInBothEncodings) {
    const auto events = sample_events(2);
    const auto protobuf = export_through_otlp(events, "http/protobuf");
    const auto json = export_through_otlp(events, "http/json");
    for (const auto* decoded : {&protobuf, &json}) {
        ASSERT_EQ(decoded->size(), 1u);
        const DecodedResource& resource = decoded->front();
        const Attributes& r = resource.attributes;
        EXPECT_EQ(r.at("service.name"), "mytool");
        EXPECT_EQ(r.at("service.version"), "1.2.3");
        EXPECT_EQ(r.at("telemetry.sdk.name"), "overt");
        EXPECT_EQ(r.at("telemetry.sdk.language"), "cpp");
        EXPECT_EQ(r.at("telemetry.sdk.version"), kReleaseVersion);
        EXPECT_EQ(r.at("host.arch"), "amd64");
        EXPECT_EQ(r.at("os.type"), "linux");
        EXPECT_EQ(r.at("os.version"), "6.1.0-18-amd64");
        EXPECT_EQ(r.at("host.id"), "4a3f8c1d9e2b6f70");
        EXPECT_EQ(r.at("process.runtime.description"), "c++20-gcc12");
        ASSERT_EQ(resource.records.size(), 2u);
        for (const Attributes& record : resource.records) {
            for (const char* key : {"host.arch", "os.type", "os.version", "telemetry.sdk.name"})
                EXPECT_EQ(record.count(key), 0u) << key << " is repeated on a record";
            EXPECT_EQ(record.at("overt.event.name").rfind("cmd", 0), 0u);
            for (const char* key : {"event.name", "machine.id", "go.version", "host.id"})
                EXPECT_EQ(record.count(key), 0u) << key << " on a record";
        }
    }
    ASSERT_EQ(protobuf.size(), json.size());
    EXPECT_EQ(protobuf[0].attributes, json[0].attributes);
    EXPECT_EQ(protobuf[0].records, json[0].records);
}

// event_name (opentelemetry-proto 1.5, field 12) is the event's class; the command or feature
// name is the record's overt.event.name attribute (and its body), never the deprecated event.name.
TEST_F(WireParity, OtlpEventNameIsTheEventTypeAndTheNameHasItsOwnAttribute) {
    std::vector<Event> events = sample_events(2);
    events[1].type = "feature.used";
    events[1].name = "export";
    for (const char* protocol : {"http/protobuf", "http/json"}) {
        const auto resources = export_through_otlp(events, protocol);
        ASSERT_EQ(resources.size(), 1u) << protocol;
        ASSERT_EQ(resources[0].event_names.size(), 2u) << protocol;
        EXPECT_EQ(resources[0].event_names[0], "command.invocation") << protocol;
        EXPECT_EQ(resources[0].event_names[1], "feature.used") << protocol;
        EXPECT_EQ(resources[0].records[0].at("overt.event.name"), "cmd0") << protocol;
        EXPECT_EQ(resources[0].records[1].at("overt.event.name"), "export") << protocol;
        EXPECT_EQ(resources[0].records[1].count("event.name"), 0u) << protocol;
        EXPECT_EQ(resources[0].records[1].count("event.type"), 0u) << protocol;
    }
}

TEST_F(WireParity, OtlpEventsFromAnotherHostGetTheirOwnResource) {
    std::vector<Event> events = {event_from("linux", "6.1"), event_from("darwin", "14.4"), event_from("linux", "6.1")};
    for (const char* protocol : {"http/protobuf", "http/json"}) {
        const auto resources = export_through_otlp(events, protocol);
        ASSERT_EQ(resources.size(), 2u) << protocol;
        EXPECT_EQ(resources[0].attributes.at("os.type"), "linux") << protocol;
        EXPECT_EQ(resources[0].attributes.at("host.arch"), "arm64") << protocol;
        EXPECT_EQ(resources[0].records.size(), 2u) << protocol;
        EXPECT_EQ(resources[1].attributes.at("os.type"), "darwin") << protocol;
        EXPECT_EQ(resources[1].attributes.at("os.version"), "14.4") << protocol;
        EXPECT_EQ(resources[1].records.size(), 1u) << protocol;
    }
}

TEST_F(WireParity, OtlpConfiguredResourceAttributesWinOverTheDefaults) {
    CaptureServer server;
    auto sink = make_sink(host, "otlp",
                          Json{{"endpoint", server.url()},
                               {"protocol", "http/json"},
                               {"resource_attributes", {{"host.arch", "x86"}, {"service.name", "renamed"}}}}
                              .dump());
    ASSERT_EQ(sink->send(sample_events(1), deadline_in(5s)).status, SendStatus::ok);
    const auto resources = decode_json(server.requests().at(0).body);
    ASSERT_EQ(resources.size(), 1u);
    EXPECT_EQ(resources[0].attributes.at("host.arch"), "x86");
    EXPECT_EQ(resources[0].attributes.at("service.name"), "renamed");
    EXPECT_EQ(resources[0].attributes.at("os.type"), "linux");
}

TEST_F(WireParity, OtlpRetriesOnlyWhatTheOtlpSpecCallsRetryable) {
    struct Case {
        int status;
        SendStatus expected;
    };
    const std::vector<Case> cases = {{429, SendStatus::retry}, {502, SendStatus::retry},   {503, SendStatus::retry},
                                     {504, SendStatus::retry}, {408, SendStatus::rejected}, {500, SendStatus::rejected},
                                     {501, SendStatus::rejected}, {400, SendStatus::rejected}};
    std::vector<ScriptedResponse> script;
    for (const Case& c : cases) script.push_back({c.status, {{"Retry-After", "4"}}, "scripted"});
    CaptureServer server(script);
    auto sink = make_sink(host, "otlp", Json{{"endpoint", server.url()}}.dump());
    for (const Case& c : cases) {
        SendResult result = sink->send(sample_events(1), deadline_in(5s));
        EXPECT_EQ(result.status, c.expected) << "HTTP " << c.status << ": " << result.message;
        EXPECT_NE(result.message.find(std::to_string(c.status)), std::string::npos) << result.message;
        if (c.expected == SendStatus::retry) {
            EXPECT_EQ(result.retry_after_ms, 4000) << "HTTP " << c.status;
        }
    }
    EXPECT_EQ(server.requests().size(), cases.size());

    int closed_port;
    {
        CaptureServer gone;
        closed_port = gone.port();
    }
    auto refused = make_sink(host, "otlp", Json{{"endpoint", "http://127.0.0.1:" + std::to_string(closed_port)}}.dump());
    EXPECT_EQ(refused->send(sample_events(1), deadline_in(2s)).status, SendStatus::retry);
}

TEST_F(WireParity, DatadogKeepsTheSharedRetryMapping) {
    CaptureServer server({{408, {}, ""}, {500, {}, ""}});
    auto sink = make_sink(host, "datadog", Json{{"api_key", "k"}, {"endpoint", server.url()}}.dump());
    EXPECT_EQ(sink->send(sample_events(1), deadline_in(5s)).status, SendStatus::retry);  // 408
    EXPECT_EQ(sink->send(sample_events(1), deadline_in(5s)).status, SendStatus::retry);  // 500
}

TEST_F(WireParity, OtlpKeepsTheEndpointQueryString) {
    CaptureServer server;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/otlp?tenant=acme", "/otlp/v1/logs?tenant=acme"},
        {"/otlp/?tenant=acme&region=eu", "/otlp/v1/logs?tenant=acme&region=eu"},
        {"/v1/logs?tenant=acme#fragment", "/v1/logs?tenant=acme"},
        {"/otlp#fragment", "/otlp/v1/logs"},
    };
    for (const auto& [endpoint, target] : cases) {
        auto sink = make_sink(host, "otlp", Json{{"endpoint", server.url(endpoint)}}.dump());
        EXPECT_EQ(sink->send(sample_events(1), deadline_in(5s)).status, SendStatus::ok) << endpoint;
    }
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(requests[i].target, cases[i].second) << cases[i].first;
}

TEST_F(WireParity, OtlpUserAgentNamesTheExporterAndItsLanguage) {
    CaptureServer server;
    auto sink = make_sink(host, "otlp", Json{{"endpoint", server.url()}}.dump());
    ASSERT_EQ(sink->send(sample_events(1), deadline_in(5s)).status, SendStatus::ok);
    auto configured = make_sink(host, "otlp",
                                Json{{"endpoint", server.url()}, {"headers", {{"user-agent", "acme-cli/2"}}}}.dump());
    ASSERT_EQ(configured->send(sample_events(1), deadline_in(5s)).status, SendStatus::ok);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].headers["user-agent"], "overt-otlp/" + std::string(kReleaseVersion) + " (C++)");
    EXPECT_EQ(requests[1].headers["user-agent"], "acme-cli/2");  // the configured header wins
}

// ---- otlp: the OTEL_* environment ----

// Every variable the otlp plugin reads, cleared so the machine's own cannot leak in.
std::vector<std::unique_ptr<ScopedEnv>> clean_otel_env() {
    std::vector<std::unique_ptr<ScopedEnv>> out;
    for (const char* name :
         {"OTEL_SDK_DISABLED", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_ENDPOINT",
          "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
          "OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "OTEL_EXPORTER_OTLP_PROTOCOL",
          "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
          "OTEL_EXPORTER_OTLP_CERTIFICATE", "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE"})
        out.push_back(std::make_unique<ScopedEnv>(name, nullptr));
    return out;
}

TEST_F(WireParity, OtlpTakesWhatTheBlockLeavesOutFromTheOtelEnvironment) {
    const auto clean = clean_otel_env();
    CaptureServer server;
    ScopedEnv endpoint("OTEL_EXPORTER_OTLP_ENDPOINT", server.url("/base/?tenant=acme").c_str());
    ScopedEnv headers("OTEL_EXPORTER_OTLP_HEADERS", "X-Team=cli%20tools, Authorization = Bearer%20s3cr3t-token");
    ScopedEnv compression("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip");
    ScopedEnv protocol("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json");
    ScopedEnv generic_protocol("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");  // the _LOGS_ one wins
    ScopedEnv timeout("OTEL_EXPORTER_OTLP_TIMEOUT", "7000");
    ScopedEnv service("OTEL_SERVICE_NAME", "from-env");
    ScopedEnv attributes("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=ci%2Fnightly,service.name=loses");
    auto sink = make_sink(host, "otlp", Json::object().dump());  // no endpoint in the block: the environment's
    ASSERT_EQ(sink->send(sample_events(1), deadline_in(5s)).status, SendStatus::ok);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, "/base/v1/logs?tenant=acme");  // /v1/logs appended to the generic endpoint
    EXPECT_EQ(requests[0].headers["x-team"], "cli tools");
    EXPECT_EQ(requests[0].headers["authorization"], "Bearer s3cr3t-token");
    EXPECT_EQ(requests[0].headers["content-encoding"], "gzip");
    EXPECT_EQ(requests[0].headers["content-type"], "application/json");
    const auto resources = decode_json(requests[0].decoded_body);
    ASSERT_EQ(resources.size(), 1u);
    EXPECT_EQ(resources[0].attributes.at("service.name"), "from-env");  // OTEL_SERVICE_NAME wins
    EXPECT_EQ(resources[0].attributes.at("deployment.environment"), "ci/nightly");
    // Where every value came from; header names, never their values.
    const std::string described = sink->describe();
    for (const char* part : {"endpoint from OTEL_EXPORTER_OTLP_ENDPOINT", "header Authorization from OTEL_EXPORTER_OTLP_HEADERS",
                             "protocol from OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "gzip from OTEL_EXPORTER_OTLP_COMPRESSION",
                             "timeout_ms from OTEL_EXPORTER_OTLP_TIMEOUT", "resource service.name from OTEL_SERVICE_NAME",
                             "resource deployment.environment from OTEL_RESOURCE_ATTRIBUTES"})
        EXPECT_NE(described.find(part), std::string::npos) << part << " in: " << described;
    EXPECT_EQ(described.find("s3cr3t"), std::string::npos) << described;
    EXPECT_EQ(described.find("cli tools"), std::string::npos) << described;
}

TEST_F(WireParity, OtlpLogsEndpointIsUsedAsItIsAndItsHeadersWin) {
    const auto clean = clean_otel_env();
    CaptureServer server;
    ScopedEnv logs("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", server.url("/custom/ingest").c_str());
    ScopedEnv generic("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/never");
    ScopedEnv headers("OTEL_EXPORTER_OTLP_HEADERS", "x-team=generic,x-only=generic");
    ScopedEnv logs_headers("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "X-Team=logs");
    auto sink = make_sink(host, "otlp", Json{{"headers", {{"x-only", "block"}}}}.dump());
    ASSERT_EQ(sink->send(sample_events(1), deadline_in(5s)).status, SendStatus::ok);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, "/custom/ingest");  // nothing appended to the signal's own endpoint
    EXPECT_EQ(requests[0].headers["x-team"], "logs");
    EXPECT_EQ(requests[0].headers["x-only"], "block");  // the block's header wins
    EXPECT_NE(sink->describe().find("endpoint from OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"), std::string::npos);
}

TEST_F(WireParity, OtlpBlockKeysWinAndEnvironmentHeadersGoOnlyToTheEnvironmentsEndpoint) {
    const auto clean = clean_otel_env();
    CaptureServer server;
    ScopedEnv endpoint("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/elsewhere");
    ScopedEnv headers("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20for-another-collector");
    ScopedEnv protocol("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
    auto sink = make_sink(host, "otlp", Json{{"endpoint", server.url()}, {"protocol", "http/protobuf"}}.dump());
    ASSERT_EQ(sink->send(sample_events(1), deadline_in(5s)).status, SendStatus::ok);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, "/v1/logs");
    EXPECT_EQ(requests[0].headers.count("authorization"), 0u);  // never sent to the block's endpoint
    EXPECT_EQ(requests[0].headers["content-type"], "application/x-protobuf");
    EXPECT_NE(sink->describe().find("endpoint from config"), std::string::npos) << sink->describe();
    EXPECT_NE(sink->describe().find("protocol from config"), std::string::npos) << sink->describe();
}

TEST_F(WireParity, OtlpSdkDisabledSendsNothingAndNeedsNoEndpoint) {
    const auto clean = clean_otel_env();
    {
        try {
            make_sink(host, "otlp", Json::object().dump());
            ADD_FAILURE() << "an otlp backend without any endpoint was created";
        } catch (const PluginError& e) {
            EXPECT_NE(std::string(e.what()).find("OTEL_EXPORTER_OTLP_ENDPOINT"), std::string::npos) << e.what();
        }
    }
    ScopedEnv disabled("OTEL_SDK_DISABLED", "TRUE");
    auto sink = make_sink(host, "otlp", Json::object().dump());
    const SendResult result = sink->send(sample_events(2), deadline_in(5s));
    EXPECT_EQ(result.status, SendStatus::rejected);
    EXPECT_NE(result.message.find("OTEL_SDK_DISABLED"), std::string::npos) << result.message;
}

// ---- otlp: request size ----

TEST_F(WireParity, OtlpSplitsABatchSoEveryRequestStaysUnderTheCap) {
    const auto clean = clean_otel_env();
    const std::vector<Event> events = sample_events(40);
    for (const char* protocol : {"http/protobuf", "http/json"}) {
        CaptureServer server;
        auto sink = make_sink(host, "otlp",
                              Json{{"endpoint", server.url()}, {"protocol", protocol}, {"max_request_bytes", 4096}}.dump());
        const SendResult result = sink->send(events, deadline_in(10s));
        ASSERT_EQ(result.status, SendStatus::ok) << result.message;
        auto requests = server.requests();
        EXPECT_GT(requests.size(), 1u) << protocol;
        size_t records = 0;
        for (const auto& request : requests) {
            EXPECT_LE(request.body.size(), 4096u) << protocol;
            const auto resources = std::string(protocol) == "http/json" ? decode_json(request.body) : decode_protobuf(request.body);
            for (const auto& resource : resources) {
                for (const auto& record : resource.records) {
                    ASSERT_LT(records, events.size());
                    EXPECT_EQ(record.at("event.id"), events[records].event_id.str()) << "order kept";
                    ++records;
                }
            }
        }
        EXPECT_EQ(records, events.size()) << protocol;
    }
    for (const int64_t bad : {int64_t{67108865}, int64_t{100}}) {
        try {
            make_sink(host, "otlp", Json{{"endpoint", "http://127.0.0.1:9"}, {"max_request_bytes", bad}}.dump());
            ADD_FAILURE() << bad << " was accepted";
        } catch (const PluginError& e) {
            EXPECT_NE(std::string(e.what()).find("max_request_bytes"), std::string::npos) << e.what();
        }
    }
}

TEST_F(WireParity, OtlpPartialSuccessIsCountedOverEverySplitRequest) {
    const auto clean = clean_otel_env();
    CaptureServer server({{200, {{"Content-Type", "application/json"}},
                           R"({"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"duplicate"}})"}});
    auto sink = make_sink(host, "otlp",
                          Json{{"endpoint", server.url()}, {"protocol", "http/json"}, {"max_request_bytes", 4096}}.dump());
    const SendResult result = sink->send(sample_events(20), deadline_in(10s));
    const size_t requests = server.requests().size();
    ASSERT_GT(requests, 1u);
    EXPECT_EQ(result.status, SendStatus::rejected) << result.message;
    EXPECT_EQ(result.accepted, 20 - requests);  // one rejected per request, all of them sent
    EXPECT_NE(result.message.find("rejected " + std::to_string(requests) + " of 20"), std::string::npos) << result.message;
    EXPECT_NE(result.message.find("duplicate"), std::string::npos) << result.message;
}

TEST_F(WireParity, OtlpAnEventOverTheCapIsRejectedAloneTheOthersKept) {
    const auto clean = clean_otel_env();
    std::vector<Event> events = sample_events(3);
    events[1].metadata = std::make_shared<const Metadata>(Metadata{{"big", std::string(3000, 'x')}});
    CaptureServer server;
    auto sink = make_sink(host, "otlp", Json{{"endpoint", server.url()}, {"max_request_bytes", 2048}}.dump());
    SendResult result = sink->send(events, deadline_in(5s));
    EXPECT_EQ(result.status, SendStatus::retry) << result.message;  // the rest, the big one first, later
    EXPECT_EQ(result.accepted, 1u);
    EXPECT_NE(result.message.find("max_request_bytes"), std::string::npos) << result.message;
    EXPECT_EQ(server.requests().size(), 1u);
    result = sink->send(std::vector<Event>(events.begin() + 1, events.end()), deadline_in(5s));
    EXPECT_EQ(result.status, SendStatus::rejected) << result.message;
    EXPECT_EQ(result.accepted, 0u);
}

// ---- every network backend: redirects ----

// A 301/302/307/308 the host does not follow (another host here) and a 303 keep the events:
// RETRY, saying the endpoint moved and where to, the Location's credentials masked.
TEST_F(WireParity, ARedirectKeepsTheEventsAndSaysWhereTheEndpointMoved) {
    const std::string moved_to = "https://user:hunter22@collector.example:4318/v1/logs";
    for (const int code : {301, 302, 303, 307, 308}) {
        for (const char* plugin : {"http", "otlp", "datadog", "posthog"}) {
            CaptureServer server({{code, {{"Location", moved_to}}, ""}});
            Json settings = {{"endpoint", server.url("/ingest")}};
            if (std::string_view(plugin) == "datadog" || std::string_view(plugin) == "posthog") settings["api_key"] = "k";
            auto sink = make_sink(host, plugin, settings.dump());
            const SendResult result = sink->send(sample_events(2), deadline_in(5s));
            EXPECT_EQ(result.status, SendStatus::retry) << plugin << " HTTP " << code << ": " << result.message;
            EXPECT_EQ(result.accepted, 0u) << plugin;
            EXPECT_NE(result.message.find("HTTP " + std::to_string(code)), std::string::npos) << result.message;
            EXPECT_NE(result.message.find("moved to https://***@collector.example:4318/v1/logs"), std::string::npos)
                << plugin << ": " << result.message;
            EXPECT_EQ(result.message.find("hunter22"), std::string::npos) << result.message;
            EXPECT_EQ(server.requests().size(), 1u) << plugin << " HTTP " << code;
        }
    }
}

// ---- posthog ----

// Seconds since the epoch of an RFC 3339 UTC time with milliseconds, or -1.
int64_t parse_utc_millis_time(const std::string& text) {
    std::tm utc{};
    int millis = -1;
    char zone = 0;
    if (text.size() != 24 ||
        std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &utc.tm_year, &utc.tm_mon, &utc.tm_mday, &utc.tm_hour,
                    &utc.tm_min, &utc.tm_sec, &millis, &zone) != 8 ||
        zone != 'Z')
        return -1;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    return static_cast<int64_t>(timegm(&utc));
}

TEST_F(WireParity, PosthogSendsPrivacyFlagsLibraryAndSentAtByDefault) {
    const int64_t before = static_cast<int64_t>(std::time(nullptr));
    Json body = send_through_posthog(sample_events(2));
    const int64_t after = static_cast<int64_t>(std::time(nullptr));
    ASSERT_TRUE(body.contains("sent_at")) << body.dump();
    const int64_t sent_at = parse_utc_millis_time(body["sent_at"].get<std::string>());
    EXPECT_GE(sent_at, before) << body["sent_at"];
    EXPECT_LE(sent_at, after) << body["sent_at"];
    ASSERT_EQ(body["batch"].size(), 2u);
    for (const Json& item : body["batch"]) {
        const Json& p = item["properties"];
        EXPECT_EQ(p["$geoip_disable"], true);
        EXPECT_EQ(p["$process_person_profile"], false);
        EXPECT_EQ(p["$lib"], "overt");
        EXPECT_EQ(p["$lib_version"], kReleaseVersion);
        EXPECT_EQ(p["$os"], "Linux");
    }
}

TEST_F(WireParity, PosthogConfigTurnsGeoipAndPersonProfilesBackOn) {
    Json body = send_through_posthog(sample_events(1), {{"disable_geoip", false}, {"process_person_profile", true}});
    const Json& p = body["batch"][0]["properties"];
    EXPECT_FALSE(p.contains("$geoip_disable")) << p.dump();
    EXPECT_FALSE(p.contains("$process_person_profile")) << p.dump();
    for (const char* key : {"disable_geoip", "process_person_profile"}) {
        try {
            make_sink(host, "posthog", Json{{"api_key", "phc_x"}, {key, "yes"}}.dump());
            ADD_FAILURE() << key << ": a string was accepted";
        } catch (const PluginError& e) {
            EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
        }
    }
}

TEST_F(WireParity, PosthogSpellsTheOsAsPosthogsOwnLibraries) {
    std::vector<Event> events = {event_from("darwin", "14.4"), event_from("windows", "10.0.22631"),
                                 event_from("linux", "6.1"), event_from("freebsd", "14.0")};
    Json body = send_through_posthog(events);
    ASSERT_EQ(body["batch"].size(), 4u);
    EXPECT_EQ(body["batch"][0]["properties"]["$os"], "Mac OS X");
    EXPECT_EQ(body["batch"][1]["properties"]["$os"], "Windows");
    EXPECT_EQ(body["batch"][2]["properties"]["$os"], "Linux");
    EXPECT_EQ(body["batch"][3]["properties"]["$os"], "freebsd");  // no spelling of PostHog's own: as given
}

}  // namespace
}  // namespace overt::test
