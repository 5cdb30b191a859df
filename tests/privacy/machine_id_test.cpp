// SPDX-License-Identifier: MIT
// Machine id: the seed's test vectors (spec §4.1) through the unsalted function, and salting.
#include <overt/machine_id.hpp>

#include "privacy/installation_secret.hpp"
#include "test_env.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using overt::machine_id_from_parts;

TEST(MachineId, SeedVectorsWithEmptySalt) {
    EXPECT_EQ(machine_id_from_parts({"0123456789abcdef0123456789abcdef", "aa:bb:cc:dd:ee:ff", "myhost", "alice"}, ""),
              "fab94af0be8a9727");
    EXPECT_EQ(machine_id_from_parts({"", "", "", ""}, ""), "f1ae2a75ed1f9972");
    EXPECT_EQ(machine_id_from_parts({"", "", ""}, ""), "71546855d6279ef7");
}

TEST(MachineId, SaltIsAppendedAfterAColon) {
    const std::vector<std::string> parts{"0123456789abcdef0123456789abcdef", "aa:bb:cc:dd:ee:ff", "myhost"};
    // raw + ":" + salt is the same text as one more part.
    EXPECT_EQ(machine_id_from_parts(parts, "alice"), "fab94af0be8a9727");
    const std::string salted = machine_id_from_parts(parts, "tool-a");
    EXPECT_NE(salted, machine_id_from_parts(parts, ""));
    EXPECT_NE(salted, machine_id_from_parts(parts, "tool-b"));
}

TEST(MachineId, HashedIdIsSixteenHexCharsStableAndSaltedPerTool) {
    const std::string first = overt::hashed_machine_id("tool-a");
    ASSERT_EQ(first.size(), 16u);
    EXPECT_TRUE(std::all_of(first.begin(), first.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }));
    EXPECT_EQ(overt::hashed_machine_id("tool-a"), first);
    EXPECT_NE(overt::hashed_machine_id("tool-b"), first);
    EXPECT_EQ(first, machine_id_from_parts(overt::machine_id_parts(), "tool-a"));
}

TEST(MachineId, PartsFollowTheSeedOrder) {
    const auto parts = overt::machine_id_parts();
    ASSERT_GE(parts.size(), 3u);
    ASSERT_LE(parts.size(), 4u);
    // The MAC, when there is one, is lowercase hex pairs joined by ':'.
    const std::string& mac = parts[1];
    if (!mac.empty()) {
        EXPECT_EQ(mac.size() % 3, 2u) << mac;
        EXPECT_EQ(mac.find_first_not_of("0123456789abcdef:"), std::string::npos) << mac;
    }
}

}  // namespace

// Containers and CI runners: no machine-id, no MAC. The host and user names alone are
// guessable, so the installation secret joins them.
namespace {

const std::vector<std::string> kGuessable{"", "", "ci-runner-7", "runner"};

TEST(MachineIdWithoutMachineIdOrMac, TheInstallationSecretMakesItUncomputableAndUnlinkable) {
    EXPECT_TRUE(overt::machine_id_parts_are_guessable(kGuessable));
    EXPECT_FALSE(overt::machine_id_parts_are_guessable({"0123", "", "h", "u"}));
    EXPECT_FALSE(overt::machine_id_parts_are_guessable({"", "aa:bb:cc:dd:ee:ff", "h", "u"}));

    const std::string secret(64, 'a'), other(64, 'b');
    const std::string with_secret = overt::machine_id_for(kGuessable, "tool-a", secret);
    EXPECT_NE(with_secret, machine_id_from_parts(kGuessable, "tool-a")) << "computable from the host name";
    EXPECT_EQ(with_secret, overt::machine_id_for(kGuessable, "tool-a", secret)) << "stable";
    EXPECT_NE(with_secret, overt::machine_id_for(kGuessable, "tool-a", other));
    EXPECT_NE(with_secret, overt::machine_id_for(kGuessable, "tool-b", secret));
    // A machine with real identifiers keeps the Go package's salted id.
    const std::vector<std::string> real{"0123456789abcdef0123456789abcdef", "aa:bb:cc:dd:ee:ff", "myhost", "alice"};
    EXPECT_EQ(overt::machine_id_for(real, "tool-a", secret), machine_id_from_parts(real, "tool-a"));
}

class InstallationSecret : public ::testing::Test {
   protected:
    std::filesystem::path home = std::filesystem::temp_directory_path() /
                                 ("overt-secret-test-" + std::to_string(::getpid()));
    overt::test::ScopedEnv config_home{"XDG_CONFIG_HOME", home.c_str()};
    void TearDown() override { std::filesystem::remove_all(home); }
};

TEST_F(InstallationSecret, IsCreatedOnlyWhenAskedPrivateAndStable) {
    const std::filesystem::path file = overt::privacy::installation_secret_path();
    EXPECT_EQ(file, home / "overt" / "installation-secret");
    EXPECT_EQ(overt::privacy::installation_secret(false), "") << "none yet, and not to be made";
    EXPECT_FALSE(std::filesystem::exists(file)) << "written before consent";

    const std::string secret = overt::privacy::installation_secret(true);
    ASSERT_EQ(secret.size(), 64u);
    EXPECT_EQ(secret.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(overt::test::mode_of(file.string()), 0600u);
    EXPECT_EQ(overt::privacy::installation_secret(false), secret);
    EXPECT_EQ(overt::privacy::installation_secret(true), secret) << "made once";

    // A secret others may read is no secret: not used.
    std::filesystem::permissions(file, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
    EXPECT_EQ(overt::privacy::installation_secret(false), "");
}

}  // namespace
