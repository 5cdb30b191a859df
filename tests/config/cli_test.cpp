// SPDX-License-Identifier: MIT
// `overt config validate` and `overt config schema` as a user runs them.
#include "../privacy/test_env.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sys/wait.h>

namespace {

using ::testing::HasSubstr;

struct Run {
    int exit_code = -1;
    std::string output;  // stdout and stderr
};

Run run_overt(const std::string& arguments) {
    Run result;
    const std::string command = std::string(OVERT_CLI) + " " + arguments + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buffer{};
    while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) result.output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

class ConfigCommand : public ::testing::Test {
   protected:
    overt::test::TempDir dir_;
    overt::test::ScopedEnv plugin_path_{"OVERT_PLUGIN_PATH", OVERT_TEST_PLUGIN_DIR};

    std::string write(const std::string& text) {
        const std::string path = dir_.str() + "/overt.yaml";
        std::ofstream(path) << text;
        return path;
    }
};

TEST_F(ConfigCommand, ValidFilePrintsOkAndExitsZero) {
    const auto result = run_overt(std::string("config validate ") + OVERT_SAMPLE_CONFIG);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(result.output, std::string(OVERT_SAMPLE_CONFIG) + ": ok\n");
}

TEST_F(ConfigCommand, ProblemsArePrintedOnePerLineAndExitTwo) {
    const std::string path = write("tool: {name: t}\ndelivery_mode: at_least_one\nbackends:\n  - plugin: nosuch\n");
    const auto result = run_overt("config validate " + path);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr(path + ":2: delivery_mode: must be one of"));
    EXPECT_THAT(result.output, HasSubstr(path + ":4: backends[0].plugin: plugin 'nosuch' not found"));
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 2) << result.output;
}

TEST_F(ConfigCommand, NoPluginsSkipsThePluginLookup) {
    const std::string path = write("tool: {name: t}\nbackends:\n  - plugin: nosuch\n");
    EXPECT_EQ(run_overt("config validate --no-plugins " + path).exit_code, 0);
}

TEST_F(ConfigCommand, UsesGlobalConfigOptionWhenNoFileIsGiven) {
    const std::string path = write("tool: {name: t}\nenabled: maybe\n");
    const auto result = run_overt("--config " + path + " config validate");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr(path + ":2: enabled: "));
}

// What a plugin would refuse at run time is refused here, at the key's line, secrets masked.
TEST_F(ConfigCommand, PluginsSayWhatTheyWouldRefuseAtRunTime) {
    overt::test::ScopedEnv secret{"OVERT_TEST_SECRET", "hunter2-value"};
    struct Case {
        std::string block;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"  - plugin: otlp\n    endpoint: file:///etc/passwd\n",
         ":4: backends[0].endpoint: 'endpoint' must be an http:// or https:// URL: file:///etc/passwd (plugin otlp)"},
        {"  - plugin: http\n    endpoint: gopher://example.com/\n",
         ":4: backends[0].endpoint: 'endpoint' must be an http:// or https:// URL: gopher://example.com/ (plugin http)"},
        {"  - plugin: otlp\n    endpoint: http://127.0.0.1:99999\n",
         ":4: backends[0].endpoint: 'endpoint' has port '99999', not a number from 1 to 65535"},
        {"  - plugin: otlp\n    endpoint: http://collector.example/v1 logs\n",
         ":4: backends[0].endpoint: 'endpoint' contains a space"},
        {"  - plugin: otlp\n    endpoint: http://u:${OVERT_TEST_SECRET}@collector.example/x\n",
         ":4: backends[0].endpoint: 'endpoint' must not contain credentials (user@): http://***@collector.example/x"},
        {"  - plugin: datadog\n    api_key: 0123456789abcdef0123456789abcdef\n    site: datadoghq.mars\n",
         ":5: backends[0].site: 'site' is 'datadoghq.mars', not a Datadog site"},
    };
    for (const auto& c : cases) {
        const std::string path = write("tool: {name: t}\nbackends:\n" + c.block);
        const auto result = run_overt("config validate " + path);
        EXPECT_EQ(result.exit_code, 2) << c.block << result.output;
        EXPECT_THAT(result.output, HasSubstr(path + c.expected)) << c.block;
        EXPECT_THAT(result.output, ::testing::Not(HasSubstr("hunter2-value")));
        EXPECT_THAT(result.output, ::testing::Not(HasSubstr(": ok")));
    }
}

// What the plugin would warn about at run time is shown; it does not make the file invalid.
TEST_F(ConfigCommand, PluginWarningsArePrintedAndTheFileStaysValid) {
    const std::string path = write(
        "tool: {name: t}\nbackends:\n  - plugin: http\n    endpoint: http://telemetry.example/in\n"
        "    headers: {Authorization: Bearer abcdef}\n");
    const auto result = run_overt("config validate " + path);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr(path + ":3: backends[0]: warning: "));
    EXPECT_THAT(result.output, HasSubstr("(plugin http)"));
    EXPECT_THAT(result.output, HasSubstr(path + ": ok"));
    EXPECT_THAT(result.output, ::testing::Not(HasSubstr("abcdef")));
}

// Hostile files end in the config error and exit 2, from validate and from a command that
// loads the config, never in an abort.
TEST_F(ConfigCommand, HostileFilesExitTwoWithTheLimit) {
    std::string bomb = "tool: {name: t}\nmetadata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (char level = 'b'; level <= 'i'; ++level) {
        bomb += std::string("  ") + level + ": &" + level + " [";
        for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", " : "") + "*" + static_cast<char>(level - 1);
        bomb += "]\n";
    }
    std::string huge = "tool: {name: t}\nmetadata:\n";
    for (int i = 0; huge.size() < (12u << 20); ++i) huge += "  key" + std::to_string(i) + ": value\n";
    const struct {
        std::string text;
        std::string problem;
    } cases[] = {
        {bomb, ":7: metadata.e[0]: this alias brings the document past the limit of 10000 nodes"},
        {huge, ": the file is 12582"},
        {"tool: {name: t}\nmetadata: " + std::string(10000, '['), ":2: metadata[0]: nested deeper than the limit of 64 levels"},
        {std::string("tool: {name: t}\nmetadata:\n  k: \"a\0b\"\n", 37), ":3: contains a NUL byte"},
        {"tool: {name: t}\nmetadata:\n  k: \"a\xff\"\n", ":3: contains bytes that are not valid UTF-8"},
    };
    for (const auto& hostile : cases) {
        const std::string path = write(hostile.text);
        const auto validated = run_overt("config validate --no-plugins " + path);
        EXPECT_EQ(validated.exit_code, 2) << validated.output;
        EXPECT_THAT(validated.output, HasSubstr(path + hostile.problem));
        const auto status = run_overt("--config " + path + " status");
        EXPECT_EQ(status.exit_code, 2) << status.output;
        EXPECT_THAT(status.output, HasSubstr("overt: config error: " + path + hostile.problem));
    }
}

TEST_F(ConfigCommand, ValidateJsonListsEachProblemWithItsLineAndKey) {
    const std::string path = write("tool: {name: t}\nexit_budget_ms: soon\nbuffer:\n  max_events: 0\n");
    const auto bad = run_overt("config validate --no-plugins --json " + path);
    EXPECT_EQ(bad.exit_code, 2) << bad.output;
    const auto report = nlohmann::json::parse(bad.output);
    EXPECT_EQ(report["format"], 1);
    EXPECT_EQ(report["ok"], false);
    EXPECT_EQ(report["file"], path);
    ASSERT_GE(report["problems"].size(), 2u) << report.dump();
    std::set<std::pair<int, std::string>> where;
    for (const auto& problem : report["problems"]) where.emplace(problem["line"].get<int>(), problem["key"].get<std::string>());
    EXPECT_TRUE(where.count({2, "exit_budget_ms"})) << report.dump();
    EXPECT_TRUE(where.count({4, "buffer.max_events"})) << report.dump();

    const auto good = run_overt("config validate --no-plugins --json " + write("tool: {name: t}\n"));
    EXPECT_EQ(good.exit_code, 0) << good.output;
    EXPECT_EQ(nlohmann::json::parse(good.output)["ok"], true);
}

TEST_F(ConfigCommand, SchemaCommandPrintsTheSchema) {
    const auto result = run_overt("config schema");
    EXPECT_EQ(result.exit_code, 0);
    const auto schema = nlohmann::json::parse(result.output, nullptr, false);
    ASSERT_FALSE(schema.is_discarded()) << result.output;
    EXPECT_EQ(schema["title"], "overt.yaml");
    EXPECT_TRUE(schema["definitions"].contains("env_reference")) << "the editor form";

    const auto expanded = run_overt("config schema --expanded");
    EXPECT_EQ(expanded.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(expanded.output), nlohmann::json::parse(overt::config_schema()));
}

TEST_F(ConfigCommand, SchemaWithPluginsChecksEachBackendBlockByItsPlugin) {
    const auto result = run_overt("config schema --with-plugins");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    const auto schema = nlohmann::json::parse(result.output, nullptr, false);
    ASSERT_FALSE(schema.is_discarded()) << result.output;
    for (const char* plugin : {"plugin_file", "plugin_otlp", "plugin_datadog", "plugin_posthog", "plugin_http"})
        EXPECT_TRUE(schema["definitions"].contains(plugin)) << plugin;

    const auto broken = run_overt("--config " + write("tool: {name: t}\nexit_budget_ms: soon\n") +
                                  " config schema --with-plugins");
    EXPECT_EQ(broken.exit_code, 2) << broken.output;
    EXPECT_THAT(broken.output, HasSubstr("exit_budget_ms"));
}

}  // namespace
