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
    for (const auto& entry : fs::directory_iterator(OVERT_DEB_DIR))
        if (entry.path().extension() == ".deb") ++debs;
    // overt, overt-dev and one per plugin.
    EXPECT_EQ(debs, 2 + split_words(kPlugins).size()) << cpack.output;
}
