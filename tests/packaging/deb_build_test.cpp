// SPDX-License-Identifier: MIT
// Builds every .deb with cpack into OVERT_DEB_DIR: the fixture deb_test.cpp inspects.
#include "packaging_env.hpp"
#include "process.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
using namespace overt::packaging_test;

TEST(DebBuild, CPackMakesOnePackagePerComponent) {
    std::error_code ignored;
    fs::remove_all(OVERT_DEB_DIR, ignored);
    fs::create_directories(OVERT_DEB_DIR);
    CommandResult cpack = run(shell_quote(kCPack) + " -G DEB --config " +
                              shell_quote(std::string(kBuildDir) + "/CPackConfig.cmake") + " -B " +
                              shell_quote(OVERT_DEB_DIR));
    ASSERT_EQ(cpack.exit_code, 0) << cpack.output;

    size_t debs = 0;
    size_t debug_packages = 0;
    for (const auto& entry : fs::directory_iterator(OVERT_DEB_DIR)) {
        if (entry.path().extension() == ".deb") ++debs;
        if (entry.path().extension() == ".ddeb") ++debug_packages;
    }
    // libovert0, libovert-dev, overt and one per plugin; the debug symbols of each but
    // libovert-dev (headers only) in a -dbgsym .ddeb.
    EXPECT_EQ(debs, 3 + split_words(kPlugins).size()) << cpack.output;
    EXPECT_EQ(debug_packages, debs - 1) << cpack.output;
}
