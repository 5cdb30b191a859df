// Machine id: the seed's test vectors (spec §4.1) through the unsalted function, and salting.
#include <overt/machine_id.hpp>

#include <gtest/gtest.h>

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
