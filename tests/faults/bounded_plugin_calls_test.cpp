// SPDX-License-Identifier: MIT
// In-process delivery (a tool that loads plugins itself): a plugin hanging in create(),
// describe() or destroy() holds its caller no longer than the host's call limit; the call is
// abandoned, never destroyed. (A hang while the library loads is not tested here: it holds the
// dynamic loader's lock, and this test process could then not even exit.)
#include "supervised_sender_support.hpp"

#include "plugin/plugin_host_factory.hpp"

namespace overt::testing {
namespace {

constexpr auto kCallLimit = 300ms;
constexpr auto kSlack = 1500ms;

class BoundedPluginCalls : public FaultySenderTest {
   protected:
    PluginHost host() const { return plugin::make_plugin_host({plugin_dir().string()}, nullptr, kCallLimit); }
    BackendConfig faulty(const std::string& fault, const std::string& in) const {
        return {"faulty", "faulty", nlohmann::json{{"fault", fault}, {"in", in}}.dump(), "", 0};
    }
};

TEST_F(BoundedPluginCalls, CreateThatNeverReturnsThrowsWithinTheLimit) {
    PluginHost plugins = host();
    const auto start = Clock::now();
    try {
        plugins.create_sink(faulty("hang", "create"));
        FAIL() << "a hung create() produced a sink";
    } catch (const PluginError& e) {
        EXPECT_NE(std::string(e.what()).find("did not return from create() within 300 ms"), std::string::npos)
            << e.what();
        EXPECT_EQ(e.backend_id(), "faulty");
    }
    EXPECT_LT(Clock::now() - start, kCallLimit + kSlack);
}

// `overt config validate` asks the plugin too: a check that never returns is given up on.
TEST_F(BoundedPluginCalls, ValidateThatNeverReturnsThrowsWithinTheLimit) {
    PluginHost plugins = host();
    const auto start = Clock::now();
    try {
        plugins.check_settings(faulty("hang", "create"));  // the SDK's validate is a dry-run create
        FAIL() << "a hung validate() gave a verdict";
    } catch (const PluginError& e) {
        EXPECT_NE(std::string(e.what()).find("did not return from validate() within 300 ms"), std::string::npos)
            << e.what();
    }
    EXPECT_LT(Clock::now() - start, kCallLimit + kSlack);
}

TEST_F(BoundedPluginCalls, DestroyThatNeverReturnsDoesNotHoldTheDestructor) {
    PluginHost plugins = host();
    auto sink = plugins.create_sink(faulty("hang", "destroy"));
    const auto start = Clock::now();
    sink.reset();
    EXPECT_LT(Clock::now() - start, kCallLimit + kSlack);
}

TEST_F(BoundedPluginCalls, DescribeThatNeverReturnsFallsBackAndRetiresTheInstance) {
    PluginHost plugins = host();
    auto sink = plugins.create_sink(faulty("hang", "describe"));
    const auto start = Clock::now();
    const std::string text = sink->describe();
    EXPECT_LT(Clock::now() - start, kCallLimit + kSlack);
    EXPECT_NE(text.find("describe() did not return within 300 ms"), std::string::npos) << text;
    // The abandoned call may still be inside the instance: no other call may enter it.
    std::vector<Event> events(1);
    EXPECT_EQ(sink->send(events, Clock::now() + 1s).status, SendStatus::fatal);
    sink.reset();  // and destroy() is not called on it
}

}  // namespace
}  // namespace overt::testing

namespace overt::testing {
namespace {

// The tool's own view: the default config never loads the plugin in the tool at all; an author
// who asks for inline delivery gets Collector::open and close() back within the exit budget.
TEST_F(FaultySenderTest, DefaultOpenLoadsNoPluginAndInlineOpenIsBoundedByTheExitBudget) {
    Config by_default = config({{"fault", "hang"}, {"in", "create"}});
    by_default.exit_delivery = ExitDelivery::background;
    auto start = Clock::now();
    {
        auto tool = Collector::open(by_default);
        tool->track_command("build", 1, 0);
        EXPECT_EQ(tool->backend_info(), "faulty (delivered by overt-sender)");
        tool->close();
    }
    EXPECT_LT(Clock::now() - start, 1s) << "the default path must not touch the plugin";

    Config in_process = config({{"fault", "hang"}, {"in", "create"}});
    in_process.exit_delivery = ExitDelivery::in_process;
    in_process.exit_budget_ms = 200;
    start = Clock::now();
    auto tool = Collector::open(in_process);
    EXPECT_LT(Clock::now() - start, 200ms + kSlack) << "a hung create() held Collector::open";
    EXPECT_NE(tool->backend_info().find("did not return from create() within 200 ms"), std::string::npos)
        << tool->backend_info();
    tool->track_command("build", 1, 0);
    tool->close();
    EXPECT_TRUE(tool->counters().adds_up());
    EXPECT_EQ(tool->counters().sent, 0u);
    EXPECT_GE(tool->counters().spilled, 1u) << "the event waits on disk for the backend";
    EXPECT_EQ(tool->counters().spilled, ids_on_disk(dir.path()).size());
}

}  // namespace
}  // namespace overt::testing
