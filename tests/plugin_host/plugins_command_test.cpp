// SPDX-License-Identifier: MIT
// `overt plugins` run as a separate process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <string>

using testing::HasSubstr;

namespace {

struct CliRun {
    int exit_code = -1;
    std::string out;
};

CliRun run_overt(const std::string& args) {
    CliRun run;
    const std::string command = std::string("'") + OVERT_CLI_PATH + "' " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return run;
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.out.append(buffer, n);
    const int status = ::pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

const std::string kDirs = "--dir '" OVERT_BUILTIN_PLUGIN_DIR "' --dir '" OVERT_TEST_PLUGIN_DIR "'";

}  // namespace

TEST(PluginsCommand, ListsBuiltinsAndRefusesEachBadTestPlugin) {
    const CliRun run = run_overt("plugins " + kDirs);
    EXPECT_EQ(run.exit_code, 0) << run.out;
    EXPECT_THAT(run.out, HasSubstr("file " OVERT_RELEASE_VERSION " (overt), ABI 1.1\n    " OVERT_BUILTIN_PLUGIN_DIR "/libovert-file.so"));
    EXPECT_THAT(run.out, HasSubstr("stdout " OVERT_RELEASE_VERSION " (overt), ABI 1.1"));
    EXPECT_THAT(run.out, HasSubstr("good 0.0.1 (overt tests)"));
    const std::string dir = OVERT_TEST_PLUGIN_DIR;
    EXPECT_THAT(run.out, HasSubstr(dir + "/libovert-badmajor.so: plugin ABI 2.1 is incompatible"));
    EXPECT_THAT(run.out, HasSubstr(dir + "/libovert-newerminor.so: plugin needs ABI 1.2"));
    EXPECT_THAT(run.out, HasSubstr(dir + "/libovert-noentry.so: no entry point"));
    EXPECT_THAT(run.out, HasSubstr(dir + "/libovert-nullsend.so: required function(s) missing"));
    EXPECT_THAT(run.out, HasSubstr(dir + "/libovert-misnamed.so: descriptor name \"other\""));
}

TEST(PluginsCommand, JsonOutputIsMachineReadable) {
    const CliRun run = run_overt("plugins --json " + kDirs);
    ASSERT_EQ(run.exit_code, 0) << run.out;
    const auto doc = nlohmann::json::parse(run.out);
    EXPECT_EQ(doc["search_path"].size(), 2u);
    bool saw_file = false;
    for (const auto& p : doc["plugins"]) saw_file = saw_file || (p["name"] == "file" && p["abi"] == "1.1");
    EXPECT_TRUE(saw_file) << run.out;
    for (const auto& p : doc["plugins"]) {
        if (p["name"] == "nojson") {
            EXPECT_EQ(p["capabilities"], nlohmann::json::parse(R"(["local","no-event-json"])"));
        }
        if (p["name"] == "good") {
            EXPECT_EQ(p["capabilities"], nlohmann::json::parse(R"(["local"])"));
        }
    }
    EXPECT_GE(doc["refused"].size(), 5u);
    for (const auto& r : doc["refused"]) EXPECT_FALSE(r["reason"].get<std::string>().empty());
}

TEST(PluginsCommand, DefaultSearchPathFindsTheBuildTreePlugins) {
    const CliRun run = run_overt("plugins");
    EXPECT_EQ(run.exit_code, 0) << run.out;
    EXPECT_THAT(run.out, HasSubstr("/libovert-file.so"));
}

TEST(PluginsCommand, UnknownOptionIsAUsageError) {
    const CliRun run = run_overt("plugins --bogus");
    EXPECT_NE(run.exit_code, 0);
}
