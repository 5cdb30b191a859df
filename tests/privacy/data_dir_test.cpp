// SPDX-License-Identifier: MIT
// Data dir resolution: XDG state dir, the per-user temp fallback, refusal of unsafe dirs, 0700.
#include <overt/data_dir.hpp>

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using overt::test::ScopedEnv;
using overt::test::TempDir;
using overt::test::mode_of;

overt::Config config_for(std::string tool, std::string data_dir = {}) {
    overt::Config config;
    config.tool_name = std::move(tool);
    config.data_dir = std::move(data_dir);
    return config;
}

class DataDirTest : public ::testing::Test {
   protected:
    TempDir root_;
    std::string state_ = root_.str() + "/state";
    std::string temp_ = root_.str() + "/tmp";
    ScopedEnv xdg_{"XDG_STATE_HOME", state_.c_str()};
    ScopedEnv tmpdir_{"TMPDIR", temp_.c_str()};
    ScopedEnv home_{"HOME", (root_.str() + "/home").c_str()};

    void SetUp() override {
        ASSERT_FALSE(root_.str().empty());
        fs::create_directories(temp_);
    }
};

TEST_F(DataDirTest, XdgStateHomeWithToolSubdirCreatedPrivate) {
    const std::string dir = overt::resolve_data_dir(config_for("mytool"));
    EXPECT_EQ(dir, state_ + "/overt/mytool");
    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_EQ(mode_of(state_ + "/overt"), 0700u);
    // The write probe leaves nothing behind.
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(DataDirTest, HomeLocalStateWhenXdgIsUnset) {
    ScopedEnv no_xdg("XDG_STATE_HOME", nullptr);
    EXPECT_EQ(overt::resolve_data_dir(config_for("mytool")), root_.str() + "/home/.local/state/overt/mytool");
}

TEST_F(DataDirTest, ConfiguredDataDirWins) {
    const std::string mine = root_.str() + "/configured";
    EXPECT_EQ(overt::resolve_data_dir(config_for("mytool", mine)), mine);
    EXPECT_EQ(mode_of(mine), 0700u);
}

TEST_F(DataDirTest, GroupOrWorldWritableConfiguredDirIsRefused) {
    const std::string shared = root_.str() + "/shared";
    fs::create_directories(shared);
    ::chmod(shared.c_str(), 0777);
    EXPECT_EQ(overt::resolve_data_dir(config_for("mytool", shared)), state_ + "/overt/mytool");
    ::chmod(shared.c_str(), 0770);
    EXPECT_EQ(overt::resolve_data_dir(config_for("mytool", shared)), state_ + "/overt/mytool");
}

TEST_F(DataDirTest, DirOwnedBySomeoneElseIsRefused) {
    std::string foreign = root_.str() + "/foreign";
    fs::create_directories(foreign);
    ::chmod(foreign.c_str(), 0700);
    if (::geteuid() == 0) {
        ASSERT_EQ(::chown(foreign.c_str(), 65534, 65534), 0);
    } else {
        foreign = "/";  // owned by root, not by us
    }
    EXPECT_EQ(overt::resolve_data_dir(config_for("mytool", foreign)), state_ + "/overt/mytool");
}

TEST_F(DataDirTest, FallsBackToPerUserTempDirWhenStateDirIsUnusable) {
    // A file where the state dir should be makes the XDG candidate unusable.
    fs::create_directories(state_);
    { std::ofstream(state_ + "/overt") << "not a directory"; }
    const std::string dir = overt::resolve_data_dir(config_for("mytool"));
    const std::string user_temp = temp_ + "/overt-" + std::to_string(::geteuid());
    EXPECT_EQ(dir, user_temp + "/mytool");
    EXPECT_EQ(mode_of(user_temp), 0700u);
    EXPECT_EQ(mode_of(dir), 0700u);
}

TEST_F(DataDirTest, TempFallbackIsNeverTheBareSharedTempDir) {
    fs::create_directories(state_);
    { std::ofstream(state_ + "/overt") << "x"; }
    // A per-user temp dir that another user could write to is refused too: nothing is left.
    const std::string user_temp = temp_ + "/overt-" + std::to_string(::geteuid());
    fs::create_directories(user_temp);
    ::chmod(user_temp.c_str(), 0777);
    const std::string dir = overt::resolve_data_dir(config_for("mytool"));
    EXPECT_EQ(dir, "");
    EXPECT_NE(dir, temp_);
}

TEST_F(DataDirTest, TwoToolsGetSeparateDirs) {
    EXPECT_NE(overt::resolve_data_dir(config_for("tool-a")), overt::resolve_data_dir(config_for("tool-b")));
}

TEST(SanitizeToolName, KeepsSafeCharactersOnly) {
    EXPECT_EQ(overt::sanitize_tool_name("my-tool_1.2"), "my-tool_1.2");
    EXPECT_EQ(overt::sanitize_tool_name("../etc/passwd"), ".._etc_passwd-7fef78f5");
    EXPECT_EQ(overt::sanitize_tool_name("a b/c"), "a_b_c-539138d5");
    EXPECT_EQ(overt::sanitize_tool_name(""), "_-e3b0c442");
    EXPECT_EQ(overt::sanitize_tool_name("."), "_.-cdb4ee2a");
    EXPECT_EQ(overt::sanitize_tool_name(".."), "_..-5ec1f7e7");
    // Names that map to the same safe characters stay apart (consent and data dirs).
    EXPECT_NE(overt::sanitize_tool_name("my tool"), overt::sanitize_tool_name("my_tool"));
    EXPECT_EQ(overt::sanitize_tool_name("my_tool"), "my_tool");
}

TEST(UserConfigDir, XdgConfigHomeThenHomeConfig) {
    {
        ScopedEnv xdg("XDG_CONFIG_HOME", "/cfg");
        EXPECT_EQ(overt::user_config_dir("my tool"), "/cfg/overt/my_tool-ba077b42");
    }
    ScopedEnv no_xdg("XDG_CONFIG_HOME", nullptr);
    ScopedEnv home("HOME", "/home/zed");
    EXPECT_EQ(overt::user_config_dir("t"), "/home/zed/.config/overt/t");
}

}  // namespace
