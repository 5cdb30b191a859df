// SPDX-License-Identifier: MIT
// One self-contained binary: the overt command linked against a static libovert with the file
// and stdout backends built in (OVERT_BUILD_SHARED=OFF, OVERT_BUILTIN_BACKENDS="file;stdout"),
// copied where no plugin directory can be found, records into its built-in file backend.
#include "packaging_env.hpp"
#include "process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace overt::packaging_test;

namespace {

class StaticBuildTest : public ::testing::Test {
   protected:
    // The binary alone in <scratch>/bin: nothing of the build tree beside it or at ../lib.
    void SetUp() override {
        fs::create_directories(scratch_.path() / "bin");
        fs::create_directories(empty_plugin_dir());
        fs::copy_file(OVERT_STATIC_CLI, tool());
    }

    std::string tool() const { return scratch_ / "bin/overt"; }
    std::string empty_plugin_dir() const { return scratch_ / "empty-plugins"; }

    // The tool with a clean environment: no OVERT_* from the caller, its state in the scratch
    // dir, OVERT_PLUGIN_PATH naming a directory that does not exist.
    CommandResult overt(const std::string& args) const {
        const std::string home = scratch_ / "home";
        return run("env -i PATH=/usr/bin:/bin HOME=" + shell_quote(home) + " XDG_STATE_HOME=" +
                   shell_quote(home + "/state") + " XDG_CONFIG_HOME=" + shell_quote(home + "/config") +
                   " OVERT_PLUGIN_PATH=" + shell_quote(scratch_ / "no-such-dir") + " " + shell_quote(tool()) + " " +
                   args);
    }

    nlohmann::json plugins_json(const std::string& args = "") const {
        const CommandResult listed = overt("plugins --json " + args);
        EXPECT_EQ(listed.exit_code, 0) << listed.output;
        return nlohmann::json::parse(listed.output, nullptr, false);
    }

    static const nlohmann::json* plugin_named(const nlohmann::json& listing, const std::string& name) {
        for (const auto& plugin : listing["plugins"])
            if (plugin["name"] == name) return &plugin;
        return nullptr;
    }

    ScratchDir scratch_;
};

TEST_F(StaticBuildTest, BinaryDoesNotNeedLibovertSo) {
    const CommandResult dynamic = run(std::string(OVERT_READELF) + " -d " + shell_quote(tool()));
    ASSERT_EQ(dynamic.exit_code, 0) << dynamic.output;
    EXPECT_NE(dynamic.output.find("(NEEDED)"), std::string::npos) << "readelf printed no dependencies:\n"
                                                                  << dynamic.output;
    EXPECT_EQ(dynamic.output.find("libovert"), std::string::npos) << dynamic.output;
}

TEST_F(StaticBuildTest, ListsItsBuiltInBackendsWithNoPluginDirectory) {
    const nlohmann::json listing = plugins_json();
    ASSERT_FALSE(listing.is_discarded());
    for (const auto& dir : listing["search_path"])
        EXPECT_FALSE(fs::exists(dir.get<std::string>())) << "a plugin dir the test meant to keep out: " << dir;
    ASSERT_EQ(listing["plugins"].size(), 2u) << listing.dump(2);
    for (const std::string name : {"file", "stdout"}) {
        const nlohmann::json* plugin = plugin_named(listing, name);
        ASSERT_NE(plugin, nullptr) << name << " missing:\n" << listing.dump(2);
        EXPECT_EQ((*plugin)["source"], "built-in");
        EXPECT_EQ((*plugin)["path"], "(built-in)");
        EXPECT_EQ((*plugin)["version"], kVersion);
    }
    EXPECT_TRUE(listing["refused"].empty()) << listing.dump(2);
}

TEST_F(StaticBuildTest, RecordsIntoItsBuiltInFileAndStdoutBackends) {
    const std::string events = scratch_ / "events.ndjson";
    const std::string config = scratch_ / "overt.yaml";
    std::ofstream(config) << "tool:\n  name: static-tool\nforce_enabled: true\nplugin_dirs: [" << empty_plugin_dir()
                          << "]\nbackends:\n  - plugin: file\n    path: " << events
                          << "\n  - plugin: stdout\n";
    const CommandResult tracked = overt("--config " + shell_quote(config) + " track build --exit-code 3");
    ASSERT_EQ(tracked.exit_code, 0) << tracked.output;
    EXPECT_NE(tracked.output.find("\"name\": \"build\""), std::string::npos) << "stdout backend:\n" << tracked.output;
    EXPECT_NE(tracked.output.find("Delivered to: file"), std::string::npos) << tracked.output;

    const std::string recorded = read_file(events);
    ASSERT_FALSE(recorded.empty()) << tracked.output;
    const nlohmann::json event = nlohmann::json::parse(recorded.substr(0, recorded.find('\n')), nullptr, false);
    ASSERT_FALSE(event.is_discarded()) << recorded;
    EXPECT_EQ(event["name"], "build") << recorded;
    EXPECT_EQ(event["tool_name"], "static-tool") << recorded;
    EXPECT_EQ(recorded.find('\n'), recorded.size() - 1) << "one event, one line:\n" << recorded;
}

// A built-in's settings are checked against its own schema, as a plugin file's are.
TEST_F(StaticBuildTest, ConfigValidateChecksABuiltInsSettings) {
    const std::string config = scratch_ / "bad.yaml";
    std::ofstream(config) << "tool:\n  name: static-tool\nbackends:\n  - plugin: stdout\n    stream: nowhere\n";
    const CommandResult checked = overt("config validate " + shell_quote(config));
    EXPECT_NE(checked.exit_code, 0) << checked.output;
    EXPECT_NE(checked.output.find("stream"), std::string::npos) << checked.output;
}

// Built-ins own their names: a directory's libovert-file.so is shadowed, never loaded; a plugin
// the binary does not hold still loads from the directory beside them.
TEST_F(StaticBuildTest, DirectoryPluginsLoadBesideBuiltInsWhichKeepTheirNames) {
    const fs::path dir = scratch_.path() / "plugins";
    fs::create_directories(dir);
    for (const std::string name : {"file", "http"})
        fs::copy_file(fs::path(kPluginBuildDir) / ("libovert-" + name + ".so"), dir / ("libovert-" + name + ".so"));

    const nlohmann::json listing = plugins_json("-d " + shell_quote(dir.string()));
    ASSERT_FALSE(listing.is_discarded());
    const nlohmann::json* http = plugin_named(listing, "http");
    ASSERT_NE(http, nullptr) << listing.dump(2);
    EXPECT_EQ((*http)["source"], "directory");
    EXPECT_EQ((*http)["path"], (dir / "libovert-http.so").string());
    EXPECT_EQ((*plugin_named(listing, "file"))["source"], "built-in") << listing.dump(2);
    ASSERT_EQ(listing["shadowed"].size(), 1u) << listing.dump(2);
    EXPECT_EQ(listing["shadowed"][0]["path"], (dir / "libovert-file.so").string());
    EXPECT_EQ(listing["shadowed"][0]["shadowed_by"], "(built-in)");
}

}  // namespace
