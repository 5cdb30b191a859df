// SPDX-License-Identifier: MIT
// Discovery, trust checks and descriptor checks of the plugin host.
#include "test_support.hpp"

#include <overt/plugins.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

using overt::BackendConfig;
using overt::Discovery;
using overt::PluginError;
using overt::PluginHost;
using overt::test::TempDir;
using overt::test::test_plugin;
using testing::HasSubstr;

namespace {

const overt::RefusedPlugin* refusal_for(const Discovery& d, const std::string& name) {
    for (const auto& r : d.refused)
        if (r.path.ends_with("/libovert-" + name + ".so")) return &r;
    return nullptr;
}

const overt::PluginInfo* plugin_named(const Discovery& d, const std::string& name) {
    for (const auto& p : d.plugins)
        if (p.name == name) return &p;
    return nullptr;
}

std::string reason_for(const Discovery& d, const std::string& name) {
    const auto* r = refusal_for(d, name);
    return r ? r->reason : "(not refused)";
}

}  // namespace

TEST(PluginDiscovery, GoodPluginIsListedWithItsDescriptor) {
    const Discovery found = overt::discover_plugins({OVERT_TEST_PLUGIN_DIR});
    const auto* good = plugin_named(found, "good");
    ASSERT_NE(good, nullptr);
    EXPECT_EQ(good->version, "0.0.1");
    EXPECT_EQ(good->vendor, "overt tests");
    EXPECT_EQ(good->abi_major, 1u);
    EXPECT_EQ(good->path, test_plugin("good"));
    EXPECT_THAT(good->config_schema, HasSubstr("\"behaviour\""));
}

TEST(PluginDiscovery, BrokenPluginsAreRefusedWithTheReason) {
    const Discovery found = overt::discover_plugins({OVERT_TEST_PLUGIN_DIR});
    EXPECT_THAT(reason_for(found, "badmajor"), HasSubstr("plugin ABI 2.1 is incompatible"));
    EXPECT_THAT(reason_for(found, "newerminor"), HasSubstr("plugin needs ABI 1.2, newer than this host's 1.1"));
    EXPECT_THAT(reason_for(found, "noentry"), HasSubstr("no entry point overt_backend_entry_v1"));
    EXPECT_THAT(reason_for(found, "nullsend"), HasSubstr("required function(s) missing from the descriptor: send"));
    EXPECT_THAT(reason_for(found, "misnamed"), HasSubstr("descriptor name \"other\" does not match the file name"));
    for (const char* name : {"badmajor", "newerminor", "noentry", "nullsend", "misnamed"})
        EXPECT_EQ(plugin_named(found, name), nullptr) << name;
}

TEST(PluginDiscovery, FirstDirectoryWinsAndLaterCopiesAreShadowed) {
    TempDir dir;
    overt::test::copy_file(test_plugin("good"), dir.file("libovert-good.so"));
    const Discovery found = overt::discover_plugins({dir.path(), OVERT_TEST_PLUGIN_DIR});
    ASSERT_NE(plugin_named(found, "good"), nullptr);
    EXPECT_EQ(plugin_named(found, "good")->path, dir.file("libovert-good.so"));
    ASSERT_EQ(found.shadowed.size(), 1u);
    EXPECT_EQ(found.shadowed[0].path, test_plugin("good"));
    EXPECT_EQ(found.shadowed[0].shadowed_by, dir.file("libovert-good.so"));
}

TEST(PluginDiscovery, MissingDirectoriesAreSkipped) {
    const Discovery found = overt::discover_plugins({"/nonexistent/overt/plugins"});
    EXPECT_TRUE(found.plugins.empty());
    EXPECT_TRUE(found.refused.empty());
}

TEST(PluginTrust, WorldWritableFileIsRefused) {
    TempDir dir;
    overt::test::copy_file(test_plugin("good"), dir.file("libovert-good.so"), 0757);
    ::chmod(dir.file("libovert-good.so").c_str(), 0757);
    const Discovery found = overt::discover_plugins({dir.path()});
    EXPECT_THAT(reason_for(found, "good"), HasSubstr("the file is world-writable (mode 0757)"));
}

TEST(PluginTrust, GroupWritableDirectoryIsRefused) {
    TempDir dir;
    overt::test::copy_file(test_plugin("good"), dir.file("libovert-good.so"));
    ASSERT_EQ(::chmod(dir.path().c_str(), 0770), 0);
    const Discovery found = overt::discover_plugins({dir.path()});
    EXPECT_THAT(reason_for(found, "good"), HasSubstr("its directory " + dir.path() + " is group-writable"));
}

TEST(PluginTrust, SymlinkOutOfTheDirectoryIsRefusedButASiblingLinkIsFine) {
    TempDir outside;
    TempDir dir;
    overt::test::copy_file(test_plugin("good"), outside.file("libovert-good.so"));
    ASSERT_EQ(::symlink(outside.file("libovert-good.so").c_str(), dir.file("libovert-good.so").c_str()), 0);
    EXPECT_THAT(reason_for(overt::discover_plugins({dir.path()}), "good"), HasSubstr("symlink points outside its directory"));

    TempDir versioned;
    overt::test::copy_file(test_plugin("good"), versioned.file("libovert-good.so.0.0.1"));
    ASSERT_EQ(::symlink("libovert-good.so.0.0.1", versioned.file("libovert-good.so").c_str()), 0);
    EXPECT_NE(plugin_named(overt::discover_plugins({versioned.path()}), "good"), nullptr);
}

TEST(PluginTrust, DirectoryPretendingToBeAPluginIsRefused) {
    TempDir dir;
    ASSERT_EQ(::mkdir(dir.file("libovert-good.so").c_str(), 0755), 0);
    EXPECT_THAT(reason_for(overt::discover_plugins({dir.path()}), "good"), HasSubstr("not a regular file"));
}

TEST(PluginTrust, NonElfFileIsRefusedBeforeTheLoader) {
    TempDir dir;
    overt::test::write_file(dir.file("libovert-junk.so"), "this is not a shared object\n");
    const std::string reason = reason_for(overt::discover_plugins({dir.path()}), "junk");
    EXPECT_THAT(reason, HasSubstr("cannot load: "));
    EXPECT_THAT(reason, HasSubstr("not an ELF shared object"));
}

TEST(PluginTrust, Sha256PinIsComparedBeforeLoading) {
    TempDir dir;
    overt::test::copy_file(test_plugin("good"), dir.file("libovert-good.so"));
    PluginHost host({dir.path()});
    BackendConfig backend{"good", "pinned", "{}", std::string(64, '0'), 0};
    try {
        host.create_sink(backend);
        FAIL() << "a wrong pin was accepted";
    } catch (const PluginError& e) {
        EXPECT_THAT(e.what(), HasSubstr("backend \"pinned\" (plugin \"good\", " + dir.file("libovert-good.so")));
        EXPECT_THAT(e.what(), HasSubstr("sha256 mismatch"));
        EXPECT_THAT(e.what(), HasSubstr(overt::test::sha256_of(dir.file("libovert-good.so"))));
    }
    backend.sha256 = overt::test::sha256_of(dir.file("libovert-good.so"));
    EXPECT_NE(host.create_sink(backend), nullptr);
}

TEST(PluginSearchPath, ConfigDirsThenEnvironmentThenDefault) {
    ::setenv("OVERT_PLUGIN_PATH", "/env/one::/env/two", 1);
    const auto dirs = overt::plugin_search_path({"/config/dir"});
    ::unsetenv("OVERT_PLUGIN_PATH");
    ASSERT_EQ(dirs.size(), 4u);
    EXPECT_EQ(dirs[0], "/config/dir");
    EXPECT_EQ(dirs[1], "/env/one");
    EXPECT_EQ(dirs[2], "/env/two");
    EXPECT_EQ(dirs[3], overt::default_plugin_dir());
}

TEST(PluginHostCreate, MissingPluginNamesTheDirectoriesSearched) {
    PluginHost host({"/nowhere/a", OVERT_TEST_PLUGIN_DIR});
    try {
        host.create_sink({"absent", "mine", "{}", "", 0});
        FAIL();
    } catch (const PluginError& e) {
        EXPECT_EQ(e.backend_id(), "mine");
        EXPECT_THAT(e.what(), HasSubstr("no libovert-absent.so in /nowhere/a, " OVERT_TEST_PLUGIN_DIR));
    }
}

TEST(PluginHostCreate, BadConfigBlockNamesBackendAndKey) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    try {
        host.create_sink({"good", "recorder", R"({"behaviour": 5, "colour": "red"})", "", 0});
        FAIL();
    } catch (const PluginError& e) {
        const std::string what = e.what();
        EXPECT_THAT(what, HasSubstr("backend \"recorder\" (plugin \"good\""));
        EXPECT_THAT(what, HasSubstr("invalid config: /behaviour: must be one of:"));
        EXPECT_THAT(what, HasSubstr("/colour: is not an allowed key"));
    }
}

TEST(PluginHostCreate, RefusedPluginsCannotBeCreated) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    EXPECT_THROW(host.create_sink({"badmajor", "", "{}", "", 0}), PluginError);
    try {
        host.create_sink({"nullsend", "", "{}", "", 0});
        FAIL();
    } catch (const PluginError& e) {
        EXPECT_EQ(e.backend_id(), "nullsend");  // the id defaults to the plugin name
        EXPECT_THAT(e.what(), HasSubstr("refused: required function(s) missing"));
    }
}

TEST(PluginHostCreate, ThrowingConstructorIsRefusedWithItsMessage) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    try {
        host.create_sink({"throwcreate", "t", "{}", "", 0});
        FAIL();
    } catch (const PluginError& e) {
        EXPECT_THAT(e.what(), HasSubstr(test_plugin("throwcreate")));
        EXPECT_THAT(e.what(), HasSubstr("instance not created (FATAL): create failed: constructor exploded on purpose"));
    }
}

TEST(PluginHostCreate, ConfigErrorFromThePluginIsReported) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    try {
        host.create_sink({"good", "g", R"({"behaviour": "invalid_config"})", "", 0});
        FAIL();
    } catch (const PluginError& e) {
        EXPECT_THAT(e.what(), HasSubstr("instance not created (INVALID_CONFIG): invalid config: label is not acceptable"));
    }
}

TEST(PluginHostCreate, OkWithoutAnInstanceIsRefused) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    try {
        host.create_sink({"nullinstance", "n", "{}", "", 0});
        FAIL();
    } catch (const PluginError& e) {
        EXPECT_THAT(e.what(), HasSubstr("create returned OK without an instance"));
    }
}

TEST(PluginHostCreate, SettingsMustBeAJsonObject) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    EXPECT_THROW(host.create_sink({"good", "g", "[1, 2]", "", 0}), PluginError);
    EXPECT_THROW(host.create_sink({"good", "g", "{oops", "", 0}), PluginError);
}

namespace overt::test {
namespace {

// `overt config validate` asks the plugin what its create() would refuse, creating nothing.
TEST(PluginHostCheckSettings, ThePluginsOwnRefusalComesBackWithoutAnInstance) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    const SettingsCheck refused = host.check_settings({"good", "g", R"({"behaviour": "invalid_config"})", "", 0});
    EXPECT_EQ(refused.verdict, SettingsCheck::Verdict::refused);
    EXPECT_EQ(refused.problem, "invalid config: label is not acceptable");
    EXPECT_EQ(host.check_settings({"good", "g", "{}", "", 0}).verdict, SettingsCheck::Verdict::accepted);
}

TEST(PluginHostCheckSettings, SchemaRefusalsAreVerdictsToo) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    const SettingsCheck check = host.check_settings({"good", "recorder", R"({"behaviour": 5})", "", 0});
    EXPECT_EQ(check.verdict, SettingsCheck::Verdict::refused);
    EXPECT_THAT(check.problem, HasSubstr("invalid config: /behaviour: must be one of:"));
}

TEST(PluginHostCheckSettings, APluginWithoutAValidateEntryIsNotChecked) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    // nullinstance's create() is broken (OK without an instance); validate is not offered.
    EXPECT_EQ(host.check_settings({"nullinstance", "n", "{}", "", 0}).verdict, SettingsCheck::Verdict::not_offered);
}

TEST(PluginHostCheckSettings, MissingAndRefusedPluginsThrowAsForCreate) {
    PluginHost host({OVERT_TEST_PLUGIN_DIR});
    EXPECT_THROW(host.check_settings({"absent", "a", "{}", "", 0}), PluginError);
    EXPECT_THROW(host.check_settings({"badmajor", "b", "{}", "", 0}), PluginError);
}

TEST(PluginHostCheckSettings, TheFilePluginIsCheckedWithoutCreatingItsFile) {
    TempDir dir;
    const std::string path = dir.file("not-yet/events.jsonl");
    PluginHost host({OVERT_BUILTIN_PLUGIN_DIR});
    const SettingsCheck check =
        host.check_settings({"file", "local", nlohmann::json{{"path", path}}.dump(), "", 0});
    EXPECT_EQ(check.verdict, SettingsCheck::Verdict::accepted) << check.problem;
    struct stat st {};
    EXPECT_NE(::lstat(dir.file("not-yet").c_str(), &st), 0) << "validate created the file's directory";
}

}  // namespace
}  // namespace overt::test
