// SPDX-License-Identifier: MIT
// The embedding API never takes the tool down: open_or_disabled, noexcept track*, std::chrono
// overloads, CommandScope; and plugins found beside libovert.
#include "test_home.hpp"

#include <overt/collector.hpp>
#include <overt/plugins.hpp>
#include <overt/telemetry_commands.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <type_traits>

namespace overt {
namespace {

using ::testing::HasSubstr;
using test::FreshHome;

static_assert(noexcept(std::declval<Collector&>().track("a", "b", std::declval<const Metadata&>())));
static_assert(noexcept(std::declval<Collector&>().track_command("a", 1, 0, std::declval<const Metadata&>())));
static_assert(noexcept(std::declval<Collector&>().track_command("a", std::declval<std::chrono::seconds>(), 0,
                                                                 std::declval<const Metadata&>())));
static_assert(noexcept(Collector::open_or_disabled(std::declval<const std::string&>())));

TEST(OpenOrDisabled, MissingFileWithoutToolNameIsDisabledWithAReason) {
    FreshHome home;
    auto collector = Collector::open_or_disabled("/nonexistent/overt.yaml");
    ASSERT_TRUE(collector);
    EXPECT_FALSE(collector->enabled());
    EXPECT_THAT(collector->problem(), HasSubstr("/nonexistent/overt.yaml: file not found"));
    collector->track_command("build", 5, 0);  // a no-op, never a crash
    EXPECT_EQ(collector->counters().tracked, 0u);
}

TEST(OpenOrDisabled, MissingFileWithToolNameUsesDefaults) {
    FreshHome home;
    {
        auto off = Collector::open_or_disabled("", "cmdtest");
        EXPECT_FALSE(off->enabled());
        EXPECT_TRUE(off->problem().empty()) << off->problem();  // off for want of consent, no problem
    }
    ASSERT_EQ(telemetry_enable(FreshHome::config(), std::cout), 0);
    auto on = Collector::open_or_disabled("no-such-overt.yaml", "cmdtest");
    EXPECT_TRUE(on->enabled());
    EXPECT_EQ(on->config().tool_name, "cmdtest");
}

TEST(OpenOrDisabled, BadFileIsDisabledWithTheConfigError) {
    FreshHome home;
    const std::string path = home.dir().str() + "/overt.yaml";
    std::ofstream(path) << "tool:\n  name: cmdtest\nbogus: 1\n";
    auto collector = Collector::open_or_disabled(path, "cmdtest");
    EXPECT_FALSE(collector->enabled());
    EXPECT_THAT(collector->problem(), HasSubstr(path + ":3: bogus"));
}

TEST(CommandScope, RecordsDurationAndExitCode) {
    FreshHome home;
    ASSERT_EQ(telemetry_enable(FreshHome::config(), std::cout), 0);
    auto collector = Collector::open(FreshHome::config());
    {
        CommandScope scope(*collector, "build");
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
        EXPECT_EQ(scope.exit(3), 3);
    }
    try {
        CommandScope scope(collector.get(), "explodes");
        throw std::runtime_error("boom");
    } catch (const std::runtime_error&) {
    }
    { CommandScope nothing(nullptr, "no collector"); }
    const auto events = collector->pending_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].name, "build");
    EXPECT_EQ(events[0].exit_code, 3);
    EXPECT_GE(events[0].duration_ms, 15);
    EXPECT_EQ(events[1].name, "explodes");
    EXPECT_EQ(events[1].exit_code, 1) << "left by an exception";
}

TEST(PluginDir, FoundBesideLibovert) {
    // The test binary is not in the build tree's bin/: the plugins are found from libovert.
    test::ScopedEnv no_path("OVERT_PLUGIN_PATH", nullptr);
    EXPECT_EQ(std::filesystem::path(default_plugin_dir()), std::filesystem::canonical(OVERT_TEST_PLUGIN_DIR));
}

}  // namespace
}  // namespace overt
