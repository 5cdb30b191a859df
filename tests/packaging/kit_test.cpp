// SPDX-License-Identifier: MIT
// The conformance kit itself: its JSON check and fake host, that it catches each broken
// rule in a purpose-built faulty plugin, and that the in-tree backends pass it.
#include "packaging_env.hpp"
#include "process.hpp"

#include <overt/plugins.hpp>
#include <overt/testing/conformance.hpp>
#include <overt/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

using namespace overt::packaging_test;
using overt::testing::CheckResult;
using overt::testing::ConformanceOptions;

namespace {

const CheckResult* find_check(const std::vector<CheckResult>& results, const std::string& name) {
    auto it = std::find_if(results.begin(), results.end(), [&](const CheckResult& r) { return r.name == name; });
    return it == results.end() ? nullptr : &*it;
}

std::vector<std::string> failed_names(const std::vector<CheckResult>& results) {
    std::vector<std::string> names;
    for (const CheckResult& r : results)
        if (!r.passed) names.push_back(r.name);
    return names;
}

TEST(KitJson, AcceptsWellFormedObjects) {
    for (const char* text : {R"({})", R"( {"a": [1, -2.5e3, true, false, null, {"b": "c\"\\\u00e9"}]} )",
                             R"({"type":"object","properties":{"x":{"type":"string"}}})"})
        EXPECT_TRUE(overt::testing::detail::is_json_object(text)) << text;
}

TEST(KitJson, RefusesMalformedOrNonObjects) {
    for (const char* text : {"", "[]", "42", R"({"a":})", R"({"a" 1})", R"({"a":1,})", R"({"a":01})",
                             R"({"a":"\x"})", R"({"a":tru})", "{\"a\":\"line\nbreak\"}", R"({} {})", R"({"a":[1,2})"}) {
        std::string error;
        EXPECT_FALSE(overt::testing::detail::is_json_object(text, &error)) << text;
        EXPECT_NE(error.find("at offset"), std::string::npos) << text << ": " << error;
    }
}

TEST(KitFakeHost, RecordsRequestsAndAnswersTheConfiguredReply) {
    overt::testing::FakeHost host;
    host.set_http_reply(429, "slow down", 1500);
    const overt_host_api* api = host.api();
    ASSERT_EQ(api->abi_major, static_cast<uint32_t>(OVERT_ABI_MAJOR));

    overt_kv header{{"X-Key", 5}, {"secret", 6}};
    overt_http_request request{};
    request.struct_size = sizeof request;
    request.url = "https://example.invalid/ingest";
    request.headers = &header;
    request.header_count = 1;
    request.content_type = "application/json";
    request.body = "[1]";
    request.body_size = 3;
    request.gzip = 1;
    overt_http_response response{};
    response.struct_size = sizeof response;
    ASSERT_EQ(api->http_post(api->host_ctx, &request, &response), 0);
    EXPECT_EQ(response.status_code, 429);
    EXPECT_EQ(response.retry_after_ms, 1500);
    EXPECT_EQ(std::string(response.body, response.body_size), "slow down");
    EXPECT_EQ(host.unreleased_responses(), 1);
    api->http_response_free(api->host_ctx, &response);
    EXPECT_EQ(host.unreleased_responses(), 0);

    api->log(api->host_ctx, OVERT_LOG_WARN, "careful");
    const auto requests = host.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].url, "https://example.invalid/ingest");
    EXPECT_EQ(requests[0].body, "[1]");
    EXPECT_TRUE(requests[0].gzip);
    ASSERT_EQ(requests[0].headers.size(), 1u);
    EXPECT_EQ(requests[0].headers[0].second, "secret");
    const auto logs = host.logs();
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(logs[0].level, OVERT_LOG_WARN);
    EXPECT_EQ(logs[0].message, "careful");
}

TEST(KitFakeHost, TransportErrorHasNoStatusCode) {
    overt::testing::FakeHost host;
    overt::testing::HttpReply reply;
    reply.transport_error = true;
    reply.error_message = "connection refused";
    host.set_http_reply(reply);
    overt_http_request request{};
    request.struct_size = sizeof request;
    request.url = "http://127.0.0.1:9/";
    overt_http_response response{};
    ASSERT_EQ(host.api()->http_post(host.api()->host_ctx, &request, &response), 0);
    EXPECT_EQ(response.status_code, 0);
    EXPECT_NE(response.transport_error, 0);
    EXPECT_STREQ(response.error_message, "connection refused");
    host.api()->http_response_free(host.api()->host_ctx, &response);
}

ConformanceOptions kit_plugin_options(const std::string& name) {
    ConformanceOptions options;
    options.plugin_path = std::string(kKitPluginDir) + "/libovert-" + name + ".so";
    options.good_config = R"({"good":true})";
    options.bad_configs = {R"({})", R"({"good":false})"};
    options.large_batch_size = 2000;
    options.schema_check = overt::config_schema_problems;
    return options;
}

TEST(KitSelfTest, WellBehavedPluginPassesEveryCheck) {
    const auto results = overt::testing::run_conformance(kit_plugin_options("kitgood"));
    EXPECT_TRUE(overt::testing::all_passed(results)) << overt::testing::format_report(results);
    for (const char* expected : {"load", "descriptor.abi", "descriptor.name_matches_file", "descriptor.schema_json", "schema.good_config",
                                 "create.bad_config[0]", "create.bad_config[3]", "validate.good_config",
                                 "validate.bad_config[3]", "validate.sends_nothing", "create.good_config", "describe",
                                 "send.empty_batch", "send.large_batch", "flush", "destroy"})
        EXPECT_NE(find_check(results, expected), nullptr) << expected;
}

TEST(KitSelfTest, AnAbi10PluginWithoutValidatePassesAndIsToldWhatItMisses) {
    const auto results = overt::testing::run_conformance(kit_plugin_options("kitabi10"));
    EXPECT_TRUE(overt::testing::all_passed(results)) << overt::testing::format_report(results);
    const CheckResult* validate = find_check(results, "validate");
    ASSERT_NE(validate, nullptr);
    EXPECT_NE(validate->message.find("not offered (ABI 1.0)"), std::string::npos) << validate->message;
    EXPECT_EQ(find_check(results, "validate.good_config"), nullptr);
}

TEST(KitSelfTest, WithoutASchemaCheckTheGoodConfigIsNotCheckedAndTheReportSaysSo) {
    auto options = kit_plugin_options("kitschemarefusesgood");
    options.schema_check = nullptr;
    const auto results = overt::testing::run_conformance(options);
    const CheckResult* schema = find_check(results, "schema.good_config");
    ASSERT_NE(schema, nullptr);
    EXPECT_TRUE(schema->passed);
    EXPECT_NE(schema->message.find("not checked"), std::string::npos) << schema->message;
}

TEST(KitSelfTest, MissingPluginFileFailsToLoadWithItsPath) {
    auto options = kit_plugin_options("kitgood");
    options.plugin_path = std::string(kKitPluginDir) + "/libovert-absent.so";
    const auto results = overt::testing::run_conformance(options);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].name, "load");
    EXPECT_FALSE(results[0].passed);
    EXPECT_NE(results[0].message.find("libovert-absent.so"), std::string::npos) << results[0].message;
    EXPECT_FALSE(overt::testing::all_passed(results));
}

struct FaultCase {
    std::string plugin;
    std::vector<std::string> expected_failures;  // exactly these checks fail
    std::string message_part;                    // in the first expected failure's message
};

class KitCatchesFault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(KitCatchesFault, OnlyTheBrokenRuleFails) {
    const FaultCase& fault = GetParam();
    const auto results = overt::testing::run_conformance(kit_plugin_options(fault.plugin));
    EXPECT_FALSE(overt::testing::all_passed(results));
    EXPECT_EQ(failed_names(results), fault.expected_failures) << overt::testing::format_report(results);
    const CheckResult* first = find_check(results, fault.expected_failures.front());
    ASSERT_NE(first, nullptr);
    EXPECT_NE(first->message.find(fault.message_part), std::string::npos) << first->message;
}

INSTANTIATE_TEST_SUITE_P(
    Faults, KitCatchesFault,
    ::testing::Values(
        FaultCase{"kitabi", {"descriptor.abi"}, "is not compatible with this SDK's 1."},
        FaultCase{"kitnullsend", {"descriptor.functions", "lifecycle"}, "send"},
        FaultCase{"kitbadschema", {"descriptor.schema_json", "schema.good_config"}, "not a JSON object"},
        FaultCase{"kitschemarefusesgood", {"schema.good_config"},
                  R"(refuses its good config {"good":true}: /good: )"},
        FaultCase{"kitacceptsall",
                  {"create.bad_config[0]", "create.bad_config[1]", "create.bad_config[2]", "create.bad_config[3]",
                   "validate.bad_config[0]", "validate.bad_config[1]", "validate.bad_config[2]",
                   "validate.bad_config[3]"},
                  "returned OK instead of INVALID_CONFIG or FATAL"},
        FaultCase{"kitvalidatelies",
                  {"validate.bad_config[0]", "validate.bad_config[1]", "validate.bad_config[2]",
                   "validate.bad_config[3]"},
                  "returned OK where create() refuses it"},
        FaultCase{"kitoverflow", {"describe"}, "wrote past a 4-byte buffer"},
        FaultCase{"kitovercount", {"send.empty_batch", "send.small_batch", "send.large_batch"}, "accepted_count 1 > 0"},
        FaultCase{"kitmisnamed", {"descriptor.name_matches_file"}, "needs the file name libovert-other.so"},
        FaultCase{"kitunterminated",
                  {"create.bad_config[0]", "create.bad_config[1]", "create.bad_config[2]", "create.bad_config[3]",
                   "validate.good_config", "validate.bad_config[0]", "validate.bad_config[1]",
                   "validate.bad_config[2]", "validate.bad_config[3]", "send.empty_batch", "send.small_batch",
                   "send.large_batch", "flush"},
                  "not NUL-terminated"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) { return info.param.plugin; });

// The in-tree backends, with a config each accepts and a few each must refuse. Network
// backends talk to the kit's fake host only.
struct PluginCase {
    std::string good;
    std::vector<std::string> bad;
};

const std::map<std::string, PluginCase>& in_tree_cases() {
    static const std::map<std::string, PluginCase> cases = {
        {"file", {R"({"path":"@SCRATCH@/out.ndjson"})", {R"({})", R"({"path":42})"}}},
        {"stdout", {R"({"stream":"stderr"})", {R"({"stream":42})", R"({"stream":"nowhere"})"}}},
        {"http", {R"({"endpoint":"https://127.0.0.1:9/ingest"})", {R"({})", R"({"endpoint":42})"}}},
        {"otlp", {R"({"endpoint":"https://127.0.0.1:9"})", {R"({})", R"({"endpoint":42})"}}},
        {"datadog",
         {R"({"api_key":"test-key","endpoint":"https://127.0.0.1:9/api/v2/logs"})", {R"({})", R"({"api_key":42})"}}},
        {"posthog", {R"({"api_key":"phc_test","endpoint":"https://127.0.0.1:9/batch"})", {R"({})", R"({"api_key":42})"}}},
    };
    return cases;
}

TEST(InTreePlugins, EveryPluginHasAKitCase) {
    for (const std::string& name : split_words(kPlugins))
        EXPECT_EQ(in_tree_cases().count(name), 1u) << "add a conformance case for plugins/" << name;
}

class InTreePluginConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(InTreePluginConformance, PassesEveryCheck) {
    const std::string& name = GetParam();
    const PluginCase& plugin = in_tree_cases().at(name);
    ScratchDir scratch;
    ConformanceOptions options;
    options.plugin_path = std::string(kPluginBuildDir) + "/libovert-" + name + ".so";
    options.good_config = plugin.good;
    if (auto at = options.good_config.find("@SCRATCH@"); at != std::string::npos)
        options.good_config.replace(at, 9, scratch.path().string());
    options.bad_configs = plugin.bad;
    options.schema_check = overt::config_schema_problems;
    for (int http_status : {200, 503}) {
        options.http_reply.status_code = http_status;
        const auto results = overt::testing::run_conformance(options);
        EXPECT_TRUE(overt::testing::all_passed(results))
            << "receiver answering " << http_status << ":\n" << overt::testing::format_report(results);
    }
}

std::vector<std::string> built_in_tree_plugins() {
    std::vector<std::string> names;
    for (const std::string& name : split_words(kPlugins))
        if (in_tree_cases().count(name)) names.push_back(name);
    return names;
}

INSTANTIATE_TEST_SUITE_P(Plugins, InTreePluginConformance, ::testing::ValuesIn(built_in_tree_plugins()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
