// `overt config validate` and `overt config schema` as a user runs them.
#include "../privacy/test_env.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

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

TEST_F(ConfigCommand, SchemaCommandPrintsTheSchema) {
    const auto result = run_overt("config schema");
    EXPECT_EQ(result.exit_code, 0);
    const auto schema = nlohmann::json::parse(result.output, nullptr, false);
    ASSERT_FALSE(schema.is_discarded()) << result.output;
    EXPECT_EQ(schema["title"], "overt.yaml");
}

}  // namespace
