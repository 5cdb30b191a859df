// SPDX-License-Identifier: MIT
// A plugin's validate entry (what `overt config validate` asks) says what create() says: the
// same configs refused with the same reason, the good ones accepted, nothing sent meanwhile.
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace overt::test {
namespace {

struct SettingsCase {
    std::string name;      // the test's name
    std::string plugin;
    std::string settings;  // JSON object, as the loader hands it over
    std::string refusal;   // part of the reason; empty when the settings are good
};

class SettingsCheckAgreesWithCreate : public ::testing::TestWithParam<SettingsCase> {};

TEST_P(SettingsCheckAgreesWithCreate, SameVerdictSameReason) {
    const SettingsCase& c = GetParam();
    PluginHost host = make_test_host();
    BackendConfig backend;
    backend.plugin = c.plugin;
    backend.settings_json = c.settings;

    const SettingsCheck check = host.check_settings(backend);
    std::string created_error;
    try {
        host.create_sink(backend);
    } catch (const PluginError& error) {
        created_error = error.what();
    }
    if (c.refusal.empty()) {
        EXPECT_EQ(check.verdict, SettingsCheck::Verdict::accepted) << check.problem;
        EXPECT_EQ(created_error, "");
        return;
    }
    ASSERT_EQ(check.verdict, SettingsCheck::Verdict::refused);
    EXPECT_NE(check.problem.find(c.refusal), std::string::npos) << check.problem;
    EXPECT_NE(created_error.find(c.refusal), std::string::npos) << created_error;
    EXPECT_NE(created_error.find(check.problem), std::string::npos)
        << "create: " << created_error << "\nvalidate: " << check.problem;
}

INSTANTIATE_TEST_SUITE_P(
    NetworkPlugins, SettingsCheckAgreesWithCreate,
    ::testing::Values(
        SettingsCase{"otlp_good", "otlp", R"({"endpoint":"http://127.0.0.1:4318"})", ""},
        SettingsCase{"otlp_file_url", "otlp", R"({"endpoint":"file:///etc/passwd"})",
                     "'endpoint' must be an http:// or https:// URL"},
        SettingsCase{"otlp_gopher", "otlp", R"({"endpoint":"gopher://example.com/"})",
                     "'endpoint' must be an http:// or https:// URL"},
        SettingsCase{"otlp_port_out_of_range", "otlp", R"({"endpoint":"http://127.0.0.1:99999"})",
                     "has port '99999', not a number from 1 to 65535"},
        SettingsCase{"otlp_port_zero", "otlp", R"({"endpoint":"http://127.0.0.1:0/v1/logs"})",
                     "has port '0'"},
        SettingsCase{"otlp_port_not_a_number", "otlp", R"({"endpoint":"http://127.0.0.1:43a8"})",
                     "has port '43a8'"},
        SettingsCase{"otlp_ipv6_with_port", "otlp", R"({"endpoint":"http://[::1]:4318"})", ""},
        SettingsCase{"otlp_ipv6_bad_port", "otlp", R"({"endpoint":"http://[::1]:70000"})", "has port '70000'"},
        SettingsCase{"otlp_space", "otlp", R"({"endpoint":"http://collector.example/v1 logs"})",
                     "contains a space"},
        SettingsCase{"otlp_credentials", "otlp", R"({"endpoint":"https://user:hunter2@collector.example/"})",
                     "must not contain credentials"},
        SettingsCase{"otlp_protocol", "otlp", R"({"endpoint":"http://127.0.0.1:4318","protocol":"grpc"})",
                     "protocol"},
        SettingsCase{"http_good", "http", R"({"endpoint":"https://telemetry.example/ingest"})", ""},
        SettingsCase{"http_gopher", "http", R"({"endpoint":"gopher://telemetry.example/"})",
                     "must be an http:// or https:// URL"},
        SettingsCase{"http_empty_port", "http", R"({"endpoint":"http://telemetry.example:/x"})",
                     "has an empty port"},
        SettingsCase{"datadog_good", "datadog", R"({"api_key":"0123456789abcdef0123456789abcdef","site":"datadoghq.eu"})",
                     ""},
        SettingsCase{"datadog_unknown_site", "datadog",
                     R"({"api_key":"0123456789abcdef0123456789abcdef","site":"datadoghq.mars"})",
                     "'site' is 'datadoghq.mars', not a Datadog site"},
        SettingsCase{"datadog_tag_with_comma", "datadog",
                     R"({"api_key":"0123456789abcdef0123456789abcdef","tags":["a:b,injected:x"]})", "'tags'"},
        SettingsCase{"posthog_good", "posthog", R"({"api_key":"phc_0123456789abcdef"})", ""},
        SettingsCase{"posthog_personal_key", "posthog", R"({"api_key":"phx_0123456789abcdef"})",
                     "personal API key"},
        SettingsCase{"posthog_unknown_instance", "posthog", R"({"api_key":"phc_0123456789abcdef","instance":"mars"})",
                     "/instance: must be one of"}),
    [](const ::testing::TestParamInfo<SettingsCase>& info) { return info.param.name; });

// A refused value that came from a ${VAR} or a URL's user-info is not repeated in the reason.
TEST(SettingsCheck, TheReasonMasksCredentials) {
    PluginHost host = make_test_host();
    BackendConfig backend;
    backend.plugin = "otlp";
    backend.settings_json = R"({"endpoint":"https://ops:s3cr3t-pa55@collector.example:99999/"})";
    const SettingsCheck check = host.check_settings(backend);
    ASSERT_EQ(check.verdict, SettingsCheck::Verdict::refused);
    EXPECT_EQ(check.problem.find("s3cr3t-pa55"), std::string::npos) << check.problem;
}

// What the plugin would warn about at run time is handed back, not logged.
TEST(SettingsCheck, WarningsComeBackWithTheVerdict) {
    PluginHost host = make_test_host();
    BackendConfig backend;
    backend.plugin = "http";
    backend.settings_json = R"({"endpoint":"http://telemetry.example/ingest","headers":{"Authorization":"Bearer abc"}})";
    const SettingsCheck check = host.check_settings(backend);
    EXPECT_EQ(check.verdict, SettingsCheck::Verdict::accepted) << check.problem;
    ASSERT_FALSE(check.warnings.empty());
    EXPECT_NE(check.warnings.front().find("the endpoint is plain http"), std::string::npos) << check.warnings.front();
    for (const auto& warning : check.warnings) EXPECT_EQ(warning.find("Bearer abc"), std::string::npos) << warning;
}

}  // namespace
}  // namespace overt::test
