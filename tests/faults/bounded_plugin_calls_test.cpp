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
