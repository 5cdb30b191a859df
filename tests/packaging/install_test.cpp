// SPDX-License-Identifier: MIT
// The installed tree: layout, the CMake package and pkg-config files as a consumer uses
// them, the plugin template built against it, and the overt command finding that plugin.
#include "consumer_run.hpp"
#include "packaging_env.hpp"
#include "process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace overt::packaging_test;

namespace {

// The install prefix and the projects built against it live in one work dir that outlives the
// test (RESOURCE_LOCK keeps these tests apart): the prefix is installed afresh every time, but
// cmake --install keeps the files' times, so the builds against it are incremental and a
// second run takes seconds instead of a minute.
class InstallTest : public ::testing::Test {
   protected:
    void SetUp() override {
        std::error_code ignored;
        fs::remove_all(prefix(), ignored);
        CommandResult install = run(shell_quote(kCMake) + " --install " + shell_quote(kBuildDir) + " --prefix " +
                                    shell_quote(prefix()));
        ASSERT_EQ(install.exit_code, 0) << install.output;
    }

    static fs::path work_dir() { return kPackagingWorkDir; }
    std::string prefix() const { return (work_dir() / "prefix").string(); }
    fs::path libdir() const { return fs::path(prefix()) / kInstallLibdir; }
    fs::path plugin_dir() const { return libdir() / "overt" / "plugins"; }

    // Configures and builds a CMake project against the installed prefix, with this build's
    // compiler and (sanitizer) flags.
    CommandResult cmake_build(const std::string& source, const std::string& binary) const {
        std::string configure = shell_quote(kCMake) + " -S " + shell_quote(source) + " -B " + shell_quote(binary) +
                                " -G Ninja -DCMAKE_PREFIX_PATH=" + shell_quote(prefix()) +
                                " -DCMAKE_CXX_COMPILER=" + shell_quote(kCxxCompiler) +
                                " -DCMAKE_CXX_FLAGS=" + shell_quote(kCxxFlags) +
                                " -DCMAKE_EXE_LINKER_FLAGS=" + shell_quote(kExeLinkerFlags) +
                                " -DCMAKE_MODULE_LINKER_FLAGS=" + shell_quote(kModuleLinkerFlags);
        CommandResult result = run(configure);
        if (result.exit_code != 0) return result;
        CommandResult build = run(shell_quote(kCMake) + " --build " + shell_quote(binary));
        build.output = result.output + build.output;
        return build;
    }

    ScratchDir scratch_;
};

TEST_F(InstallTest, LayoutHasLibraryHeadersCommandAndPackageFiles) {
    const fs::path p(prefix());
    for (const char* header : {"backend.h", "backend.hpp", "event.hpp", "config.hpp", "sink.hpp",
                               "testing/conformance.hpp", "testing/fake_host.hpp"})
        EXPECT_TRUE(fs::is_regular_file(p / "include/overt" / header)) << header;
    EXPECT_TRUE(fs::is_regular_file(libdir() / (std::string("libovert.so.") + kVersion)));
    EXPECT_TRUE(fs::is_symlink(libdir() / "libovert.so.0"));
    EXPECT_TRUE(fs::is_symlink(libdir() / "libovert.so"));
    EXPECT_TRUE(fs::is_regular_file(libdir() / "cmake/overt/overtConfig.cmake"));
    EXPECT_TRUE(fs::is_regular_file(libdir() / "cmake/overt/overtConfigVersion.cmake"));
    EXPECT_TRUE(fs::is_regular_file(libdir() / "cmake/overt/overtTargets.cmake"));
    EXPECT_TRUE(fs::is_regular_file(libdir() / "pkgconfig/overt.pc"));
    EXPECT_TRUE(fs::is_regular_file(libdir() / "pkgconfig/overt-sdk.pc"));
    EXPECT_TRUE(fs::is_regular_file(libdir() / "overt/libovert-transport.so.0")) << "libovert loads it for HTTP";
    EXPECT_FALSE(fs::exists(libdir() / "overt/libovert-transport.so")) << "a module, nothing links it";
    struct stat info {};
    ASSERT_EQ(::stat((p / "bin/overt").c_str(), &info), 0);
    EXPECT_TRUE(info.st_mode & S_IXUSR);
}

TEST_F(InstallTest, LibraryHasTheMajorVersionAsSoname) {
    CommandResult dynamic = run("readelf -d " + shell_quote((libdir() / "libovert.so").string()));
    ASSERT_EQ(dynamic.exit_code, 0) << dynamic.output;
    EXPECT_NE(dynamic.output.find("Library soname: [libovert.so.0]"), std::string::npos) << dynamic.output;
}

// libcurl and libcrypto (milliseconds of start-up) live in the transport module, not in libovert.
TEST_F(InstallTest, LibraryDoesNotLinkTheHttpStack) {
    CommandResult dynamic = run("readelf -d " + shell_quote((libdir() / "libovert.so").string()));
    ASSERT_EQ(dynamic.exit_code, 0) << dynamic.output;
    for (const char* library : {"[libcurl", "[libssl", "[libcrypto", "[libz."})
        EXPECT_EQ(dynamic.output.find(library), std::string::npos) << library << "\n" << dynamic.output;
}

// The installed overt command posts through the installed module: a refused connection is
// curl's error about the endpoint, not "HTTP transport unavailable".
TEST_F(InstallTest, InstalledLibraryFindsItsTransportModule) {
    const fs::path home = work_dir() / "transport-home";
    fs::remove_all(home);
    fs::create_directories(home);
    const fs::path config = home / "overt.yaml";
    std::ofstream(config) << "tool:\n  name: overt-demo\ndeletion:\n  endpoint: http://127.0.0.1:1/delete\n";
    const std::string overt = "HOME=" + shell_quote(home.string()) + " XDG_CONFIG_HOME=" +
                              shell_quote((home / "config").string()) + " XDG_STATE_HOME=" +
                              shell_quote((home / "state").string()) + " " + shell_quote(prefix() + "/bin/overt") +
                              " --config " + shell_quote(config.string());
    // Only a tool that collected asks for deletion (a never-enabled one sends nothing).
    ASSERT_EQ(run(overt + " enable").exit_code, 0);
    CommandResult deletion = run(overt + " delete-my-data");
    EXPECT_NE(deletion.output.find("Deletion request NOT sent"), std::string::npos) << deletion.output;
    EXPECT_NE(deletion.output.find("POST http://127.0.0.1:1/delete"), std::string::npos) << deletion.output;
    EXPECT_EQ(deletion.output.find("HTTP transport unavailable"), std::string::npos) << deletion.output;
}

TEST_F(InstallTest, ExportedCoreTargetKeepsPrivateDependenciesPrivate) {
    const std::string targets = read_file(libdir() / "cmake/overt/overtTargets.cmake");
    std::smatch match;
    const std::regex core_links(R"re(set_target_properties\(overt::core PROPERTIES[^)]*INTERFACE_LINK_LIBRARIES "([^"]*)")re");
    ASSERT_TRUE(std::regex_search(targets, match, core_links)) << targets;
    EXPECT_EQ(match[1].str(), "overt::sdk;Threads::Threads");
    for (const char* private_dep : {"spdlog", "yaml", "CURL", "OpenSSL", "NETTLE", "nettle", "ZLIB", "Boost", "nlohmann",
                                    "overt_warnings", "overt_transport"})
        EXPECT_EQ(targets.find(private_dep), std::string::npos) << private_dep << " leaks into overtTargets.cmake";
}

TEST_F(InstallTest, EveryPluginLandsInTheDefaultPluginDir) {
    const auto plugins = split_words(kPlugins);
    ASSERT_FALSE(plugins.empty()) << "the build defines no plugins";
    for (const std::string& name : plugins)
        EXPECT_TRUE(fs::is_regular_file(plugin_dir() / ("libovert-" + name + ".so"))) << name;
}

TEST_F(InstallTest, ConsumerBuildsWithFindPackageAndDeliversOnlyWithConsent) {
    const std::string binary = (work_dir() / "consumer-cmake").string();
    CommandResult build = cmake_build(std::string(kSourceDir) + "/examples/consumer", binary);
    ASSERT_EQ(build.exit_code, 0) << build.output;

    expect_consumer_events(ConsumerRun(binary + "/consumer", plugin_dir(), "CONSUMER_TELEMETRY=1"));

    const ConsumerRun without_consent(binary + "/consumer", plugin_dir(), "");
    EXPECT_EQ(without_consent.result.exit_code, 0) << without_consent.dump();
    EXPECT_TRUE(without_consent.events.empty()) << without_consent.dump();
}

// A tool built in a directory of its own against the installed tree, run with no
// OVERT_PLUGIN_PATH: the plugins are found beside the libovert it loaded, and without any
// overt.yaml it still exits 0.
TEST_F(InstallTest, ConsumerBuiltOutsideThePrefixFindsPluginsAndNeedsNoConfig) {
    const std::string binary = (work_dir() / "consumer-elsewhere").string();
    CommandResult build = cmake_build(std::string(kSourceDir) + "/examples/consumer", binary);
    ASSERT_EQ(build.exit_code, 0) << build.output;
    expect_consumer_events(ConsumerRun(binary + "/consumer", {}, "CONSUMER_TELEMETRY=1"));
    const ConsumerRun no_config(binary + "/consumer", {}, "CONSUMER_TELEMETRY=1", false);
    EXPECT_EQ(no_config.result.exit_code, 0) << no_config.dump();
    EXPECT_EQ(no_config.result.output.find("terminate"), std::string::npos) << no_config.dump();
}

TEST_F(InstallTest, ConsumerBuildsWithPkgConfigAndDelivers) {
    const std::string out = (work_dir() / "consumer-make").string();
    fs::create_directories(out);
    const std::string env = "PKG_CONFIG_PATH=" + shell_quote((libdir() / "pkgconfig").string()) +
                            " CXX=" + shell_quote(kCxxCompiler) + " CXXFLAGS=" + shell_quote(kCxxFlags) +
                            " LDFLAGS=" + shell_quote(kExeLinkerFlags);
    const std::string source = std::string(kSourceDir) + "/examples/consumer";
    CommandResult build = run(env + " make -C " + shell_quote(out) + " -f " + shell_quote(source + "/Makefile") +
                              " VPATH=" + shell_quote(source));
    ASSERT_EQ(build.exit_code, 0) << build.output;

    expect_consumer_events(ConsumerRun(out + "/consumer", plugin_dir(),
                                       "CONSUMER_TELEMETRY=1 LD_LIBRARY_PATH=" + shell_quote(libdir().string())));
}

TEST_F(InstallTest, PackageRefusesAnotherMajorVersion) {
    const std::string source = scratch_ / "wants-v99";
    fs::create_directories(source);
    std::ofstream(source + "/CMakeLists.txt") << "cmake_minimum_required(VERSION 3.16)\n"
                                                 "project(wants_v99 LANGUAGES CXX)\n"
                                                 "find_package(overt 99 CONFIG REQUIRED)\n";
    CommandResult configure = cmake_build(source, scratch_ / "wants-v99-build");
    EXPECT_NE(configure.exit_code, 0) << configure.output;
    // CMake names the installed package it considered and why it refused it.
    EXPECT_NE(configure.output.find(R"(with requested version "99")"), std::string::npos) << configure.output;
    EXPECT_NE(configure.output.find(std::string("overtConfig.cmake, version: ") + kVersion), std::string::npos)
        << configure.output;
}

// Builds sdk/template against the installed tree and runs its kit-driven test.
class TemplateTest : public InstallTest {
   protected:
    void SetUp() override {
        InstallTest::SetUp();
        if (HasFatalFailure()) return;
        CommandResult build = cmake_build(std::string(kSourceDir) + "/sdk/template", template_build());
        ASSERT_EQ(build.exit_code, 0) << build.output;
    }
    std::string template_build() const { return (work_dir() / "template").string(); }
};

TEST_F(TemplateTest, TemplatePluginPassesTheConformanceKit) {
    CommandResult test = run(shell_quote(kCMake) + " -E chdir " + shell_quote(template_build()) +
                             " ctest --output-on-failure");
    EXPECT_EQ(test.exit_code, 0) << test.output;
    CommandResult kit = run(shell_quote(template_build() + "/my_backend_conformance") + " " +
                            shell_quote(template_build() + "/libovert-mine.so"));
    EXPECT_EQ(kit.exit_code, 0) << kit.output;
    EXPECT_NE(kit.output.find("conformance: all checks passed"), std::string::npos) << kit.output;
    EXPECT_EQ(kit.output.find("FAIL "), std::string::npos) << kit.output;
    // Checked with libovert's validator, not skipped.
    EXPECT_NE(kit.output.find("PASS schema.good_config"), std::string::npos) << kit.output;
    EXPECT_EQ(kit.output.find("not checked"), std::string::npos) << kit.output;
}

TEST_F(TemplateTest, TemplatePluginIsListedByOvertPlugins) {
    // A private plugin dir, as the trust rules want it: ours, not group/world-writable.
    const fs::path dir = scratch_.path() / "my-plugins";
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all);
    fs::copy_file(template_build() + "/libovert-mine.so", dir / "libovert-mine.so");
    fs::permissions(dir / "libovert-mine.so", fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);

    CommandResult listed = run(shell_quote(prefix() + "/bin/overt") + " plugins --json --dir " + shell_quote(dir.string()));
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    const auto json = nlohmann::json::parse(listed.output.substr(listed.output.find('{')), nullptr, false);
    ASSERT_TRUE(json.is_object()) << listed.output;
    ASSERT_EQ(json.at("plugins").size(), 1u) << listed.output;
    const auto& plugin = json.at("plugins")[0];
    EXPECT_EQ(plugin.at("name"), "mine");
    EXPECT_EQ(plugin.at("version"), "0.1.0");
    EXPECT_EQ(plugin.at("abi"), "1.1");
    EXPECT_EQ(plugin.at("path"), (dir / "libovert-mine.so").string());
    EXPECT_TRUE(json.at("refused").empty()) << listed.output;
}

}  // namespace
