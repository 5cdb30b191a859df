// SPDX-License-Identifier: MIT
// The overt.yaml loader: every key, typing of backend settings, ${VAR} expansion, and errors
// that name FILE:LINE: KEY.
#include <overt/config.hpp>

#include "../privacy/test_env.hpp"

#include <gmock/gmock.h>
#include <unistd.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

using ::testing::HasSubstr;
using overt::test::ScopedEnv;

overt::Config parse(const std::string& text) { return overt::parse_config(text, "/etc/tool/overt.yaml"); }

// Parses text that must fail and returns the error.
overt::ConfigError error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const overt::ConfigError& error) {
        return error;
    }
    ADD_FAILURE() << "accepted:\n" << text;
    return overt::ConfigError("", 0, "", "");
}

void expect_error(const std::string& text, int line, const std::string& key, const std::string& problem) {
    const auto error = error_of(text);
    EXPECT_EQ(error.file(), "/etc/tool/overt.yaml") << text;
    EXPECT_EQ(error.line(), line) << error.what();
    EXPECT_EQ(error.key(), key) << error.what();
    EXPECT_THAT(error.what(), HasSubstr(problem));
    EXPECT_THAT(error.what(), HasSubstr("/etc/tool/overt.yaml:" + std::to_string(line) + ": " + key + ": "));
}

TEST(ConfigLoader, MinimalFileGetsDefaults) {
    const auto config = parse("tool:\n  name: mytool\n");
    EXPECT_EQ(config.tool_name, "mytool");
    EXPECT_EQ(config.source_path, "/etc/tool/overt.yaml");
    EXPECT_TRUE(config.enabled);
    EXPECT_FALSE(config.force_enabled);
    EXPECT_EQ(config.delivery_mode, overt::DeliveryMode::at_least_once);
    EXPECT_EQ(config.buffer_max_events, 1000u);
    EXPECT_EQ(config.spill_max_files, 10u);
    EXPECT_EQ(config.exit_budget_ms, 200);
    EXPECT_EQ(config.exit_delivery, overt::ExitDelivery::background);
    EXPECT_TRUE(config.backends.empty());
}

TEST(ConfigLoader, EveryKey) {
    const auto config = parse(R"(tool:
  name: mytool
  version: 1.2
enabled: false
force_enabled: true
extended_collection: true
delivery_mode: at_most_once
plugin_dirs: [plugins, /abs/plugins]
buffer:
  max_events: 50
spill:
  max_files: 3
  max_bytes: 4096
exit_budget_ms: 0
exit_delivery: background
flush_timeout_ms: 1500
data_dir: state
metadata:
  team: infra
  build: 42
deletion:
  email: privacy@example.com
  endpoint: https://del.example/api
backends:
  - plugin: otlp
    id: primary
    sha256: ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789
    endpoint: https://collector:4318
  - plugin: file
)");
    EXPECT_EQ(config.tool_version, "1.2");
    EXPECT_FALSE(config.enabled);
    EXPECT_TRUE(config.force_enabled);
    EXPECT_TRUE(config.extended_collection);
    EXPECT_EQ(config.delivery_mode, overt::DeliveryMode::at_most_once);
    EXPECT_EQ(config.plugin_dirs, (std::vector<std::string>{"/etc/tool/plugins", "/abs/plugins"}));
    EXPECT_EQ(config.buffer_max_events, 50u);
    EXPECT_EQ(config.spill_max_files, 3u);
    EXPECT_EQ(config.spill_max_bytes, 4096u);
    EXPECT_EQ(config.exit_budget_ms, 0);
    EXPECT_EQ(config.exit_delivery, overt::ExitDelivery::background);
    EXPECT_EQ(config.flush_timeout_ms, 1500);
    EXPECT_EQ(config.data_dir, "/etc/tool/state");
    EXPECT_EQ(config.metadata, (overt::Metadata{{"build", "42"}, {"team", "infra"}}));
    EXPECT_EQ(config.deletion_email, "privacy@example.com");
    EXPECT_EQ(config.deletion_endpoint, "https://del.example/api");
    ASSERT_EQ(config.backends.size(), 2u);
    EXPECT_EQ(config.backends[0].plugin, "otlp");
    EXPECT_EQ(config.backends[0].id, "primary");
    EXPECT_EQ(config.backends[0].sha256, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    EXPECT_EQ(config.backends[0].line, 25);
    EXPECT_EQ(nlohmann::json::parse(config.backends[0].settings_json),
              (nlohmann::json{{"endpoint", "https://collector:4318"}}));
    EXPECT_EQ(config.backends[1].id, "file");
    EXPECT_EQ(config.backends[1].line, 29);
    EXPECT_EQ(config.backends[1].settings_json, "{}");
    EXPECT_EQ(overt::to_string(config.delivery_mode), "at_most_once");
}

TEST(ConfigLoader, BackendSettingsKeepYamlTypes) {
    const auto config = parse(R"(tool: {name: t}
backends:
  - plugin: http
    flag: true
    off: False
    count: 12
    negative: -3
    ratio: 0.25
    quoted_number: "123"
    single_quoted: 'true'
    text: hello
    nothing: null
    tilde: ~
    list: [1, "2", three]
    nested: {a: {b: [x]}}
    version: 1.2.3
)");
    const auto settings = nlohmann::json::parse(config.backends.at(0).settings_json);
    EXPECT_EQ(settings["flag"], true);
    EXPECT_EQ(settings["off"], false);
    EXPECT_EQ(settings["count"], 12);
    EXPECT_TRUE(settings["count"].is_number_integer());
    EXPECT_EQ(settings["negative"], -3);
    EXPECT_DOUBLE_EQ(settings["ratio"].get<double>(), 0.25);
    EXPECT_EQ(settings["quoted_number"], "123");
    EXPECT_EQ(settings["single_quoted"], "true");
    EXPECT_EQ(settings["text"], "hello");
    EXPECT_TRUE(settings["nothing"].is_null());
    EXPECT_TRUE(settings["tilde"].is_null());
    EXPECT_EQ(settings["list"], (nlohmann::json{1, "2", "three"}));
    EXPECT_EQ(settings["nested"], (nlohmann::json{{"a", {{"b", {"x"}}}}}));
    EXPECT_EQ(settings["version"], "1.2.3");
}

TEST(ConfigLoader, EnvironmentExpansion) {
    ScopedEnv token("OVERT_TEST_TOKEN", "s3cret");
    ScopedEnv empty("OVERT_TEST_EMPTY", "");
    ScopedEnv unset("OVERT_TEST_UNSET", nullptr);
    ScopedEnv budget("OVERT_TEST_BUDGET", "750");
    const auto config = parse(R"(tool: {name: "${OVERT_TEST_UNSET:-fallback}"}
exit_budget_ms: ${OVERT_TEST_BUDGET}
metadata:
  price: "$$5 and ${OVERT_TEST_EMPTY:-none}"
backends:
  - plugin: http
    token: ${OVERT_TEST_TOKEN}
    port: ${OVERT_TEST_BUDGET}
    quoted_port: "${OVERT_TEST_BUDGET}"
)");
    EXPECT_EQ(config.tool_name, "fallback");
    EXPECT_EQ(config.exit_budget_ms, 750);
    EXPECT_EQ(config.metadata, (overt::Metadata{{"price", "$5 and none"}}));
    const auto settings = nlohmann::json::parse(config.backends.at(0).settings_json);
    EXPECT_EQ(settings["token"], "s3cret");
    EXPECT_EQ(settings["port"], 750);
    EXPECT_EQ(settings["quoted_port"], "750");
}

TEST(ConfigLoader, UnsetVariableWithoutDefaultNamesTheKey) {
    ScopedEnv unset("OVERT_TEST_UNSET", nullptr);
    expect_error("tool: {name: t}\nbackends:\n  - plugin: http\n    token: ${OVERT_TEST_UNSET}\n", 4,
                 "backends[0].token", "OVERT_TEST_UNSET is not set");
    expect_error("tool: {name: t}\ndata_dir: ${OVERT_TEST_UNSET}/x\n", 2, "data_dir", "OVERT_TEST_UNSET");
    expect_error("tool: {name: t}\ndata_dir: ${1BAD}\n", 2, "data_dir", "not a valid variable reference");
    expect_error("tool: {name: t}\ndata_dir: ${OPEN\n", 2, "data_dir", "unterminated");
}

TEST(ConfigLoader, ErrorsNameFileLineAndKey) {
    expect_error("tool: {name: t}\ncolour: blue\n", 2, "colour", "unknown key");
    expect_error("tool: {name: t}\nbuffer:\n  max_event: 5\n", 3, "buffer.max_event", "unknown key");
    expect_error("tool: {name: t}\nenabled: yes\n", 2, "enabled", "expected true or false");
    expect_error("tool: {name: t}\nenabled: [true]\n", 2, "enabled", "expected true or false");
    expect_error("tool: {name: t}\ndelivery_mode: at_least_one\n", 2, "delivery_mode", "'at_least_one' is not a delivery mode");
    expect_error("tool: {name: t}\nbuffer: {max_events: 0}\n", 2, "buffer.max_events", "must be greater than 0");
    expect_error("tool: {name: t}\nspill:\n  max_files: -1\n", 3, "spill.max_files", "must be greater than 0");
    expect_error("tool: {name: t}\nspill:\n  max_bytes: lots\n", 3, "spill.max_bytes", "expected a whole number");
    expect_error("tool: {name: t}\nexit_delivery: later\n", 2, "exit_delivery", "'later' is not an exit delivery");
    expect_error("tool: {name: t}\nexit_budget_ms: -5\n", 2, "exit_budget_ms", "0 or more");
    expect_error("tool: {name: t}\nflush_timeout_ms: 0\n", 2, "flush_timeout_ms", "must be greater than 0");
    expect_error("tool: {name: t}\nflush_timeout_ms: 99999999999999999999\n", 2, "flush_timeout_ms", "too large");
    expect_error("tool: {name: t}\nplugin_dirs: /one\n", 2, "plugin_dirs", "expected a list");
    expect_error("tool: {name: t}\nplugin_dirs: [a, '']\n", 2, "plugin_dirs[1]", "empty");
    expect_error("tool: {name: t}\nmetadata:\n  k: [1]\n", 3, "metadata.k", "must be text");
    expect_error("tool: {name: t}\ndeletion:\n  email: not-an-address\n", 3, "deletion.email", "not a plain e-mail");
    expect_error("tool: {name: t}\ndeletion:\n  email: a@b.c?cc=x@y.z\n", 3, "deletion.email", "not a plain e-mail");
    expect_error("tool: {name: t}\ndeletion:\n  endpoint: ftp://x\n", 3, "deletion.endpoint", "http:// or https://");
    expect_error("tool: {name: t}\nenabled: true\nenabled: false\n", 3, "enabled", "duplicate key");
    // Quoted values are text, as `overt config validate` (the schema) says: not numbers or booleans.
    expect_error("tool: {name: t}\nbuffer:\n  max_events: \"100\"\n", 3, "buffer.max_events",
                 "expected a whole number, got the quoted text '100' (write it without quotes)");
    expect_error("tool: {name: t}\nenabled: 'true'\n", 2, "enabled", "got the quoted text 'true'");
}

// The loader and the validator give one answer for the same file.
TEST(ConfigLoader, AgreesWithTheValidatorOnQuotedNumbers) {
    namespace fs = std::filesystem;
    const fs::path path = fs::temp_directory_path() / ("overt-quoted-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << "tool:\n  name: t\nspill:\n  max_files: \"5\"\n";
    EXPECT_THROW(overt::load_config(path.string()), overt::ConfigError);
    const auto problems = overt::validate_config_file(path.string(), /*check_plugins=*/false);
    fs::remove(path);
    ASSERT_FALSE(problems.empty());
    EXPECT_EQ(problems[0].key, "spill.max_files");
}

TEST(ConfigLoader, ToolErrors) {
    expect_error("enabled: true\n", 1, "tool.name", "required");
    expect_error("tool:\n  version: 1\n", 2, "tool.name", "required");
    expect_error("tool:\n  name: ''\n", 2, "tool.name", "must not be empty");
    expect_error("tool:\n  name: t\n  nmae: x\n", 3, "tool.nmae", "unknown key");
}

TEST(ConfigLoader, BackendErrors) {
    expect_error("tool: {name: t}\nbackends:\n  - id: x\n", 3, "backends[0].plugin", "required");
    expect_error("tool: {name: t}\nbackends: {plugin: http}\n", 2, "backends", "expected a list");
    expect_error("tool: {name: t}\nbackends:\n  - http\n", 3, "backends[0]", "expected a map");
    expect_error("tool: {name: t}\nbackends:\n  - plugin: ../evil\n", 3, "backends[0].plugin", "not a plugin name");
    expect_error("tool: {name: t}\nbackends:\n  - plugin: http\n    sha256: abc\n", 4, "backends[0].sha256", "64 hexadecimal");
    expect_error("tool: {name: t}\nbackends:\n  - plugin: http\n  - plugin: file\n  - plugin: http\n", 5,
                 "backends[2].plugin", "duplicate backend id 'http'");
    expect_error("tool: {name: t}\nbackends:\n  - plugin: http\n    id: a\n  - plugin: file\n    id: a\n", 6,
                 "backends[1].id", "duplicate backend id 'a'");
    expect_error("tool: {name: t}\nbackends:\n  - plugin: http\n    id: ''\n", 4, "backends[0].id", "must not be empty");
}

TEST(ConfigLoader, NotYamlOrNotAMap) {
    const auto broken = error_of("tool: {name: t\n");
    EXPECT_THAT(broken.what(), HasSubstr("not valid YAML"));
    EXPECT_GT(broken.line(), 0);
    EXPECT_THAT(error_of("").what(), HasSubstr("empty"));
    EXPECT_THAT(error_of("- a\n- b\n").what(), HasSubstr("top level must be a map"));
}

TEST(ConfigLoader, LoadConfigResolvesRelativeDirsAgainstTheFile) {
    overt::test::TempDir dir;
    const std::string path = dir.str() + "/overt.yaml";
    { std::ofstream(path) << "tool: {name: t}\nplugin_dirs: [./p, ../q]\ndata_dir: state/x\n"; }
    const auto config = overt::load_config(path);
    EXPECT_EQ(config.source_path, path);
    EXPECT_EQ(config.plugin_dirs, (std::vector<std::string>{dir.str() + "/p", dir.path().parent_path().string() + "/q"}));
    EXPECT_EQ(config.data_dir, dir.str() + "/state/x");
}

TEST(ConfigLoader, MissingFileNamesThePath) {
    try {
        overt::load_config("/nonexistent/overt.yaml");
        FAIL() << "loaded a missing file";
    } catch (const overt::ConfigError& error) {
        EXPECT_EQ(error.file(), "/nonexistent/overt.yaml");
        EXPECT_THAT(error.what(), HasSubstr("/nonexistent/overt.yaml: cannot read"));
    }
}

TEST(ConfigLoader, ShippedSampleParses) {
    const auto config = overt::load_config(OVERT_SAMPLE_CONFIG);
    EXPECT_FALSE(config.tool_name.empty());
    EXPECT_FALSE(config.backends.empty());
    for (const auto& backend : config.backends) EXPECT_GT(backend.line, 0) << backend.id;
}

}  // namespace
