// SPDX-License-Identifier: MIT
// A backend that hangs inside send (far past its deadline): close() still returns within the
// exit budget, and the events it held are kept on disk for a later run.
#include "fault_support.hpp"

#include <atomic>
#include <condition_variable>

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

// Blocks in send() until released (or 10 s), ignoring the deadline like a broken plugin.
struct Gate {
    std::mutex mutex;
    std::condition_variable released;
    bool open = false;
    std::atomic<int> calls{0};
};

class HangingSink : public Sink {
   public:
    explicit HangingSink(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
    const std::string& id() const override { return id_; }
    std::string describe() const override { return "hangs"; }
    SendResult send(std::span<const Event>, Deadline) override {
        ++gate_->calls;
        std::unique_lock lock(gate_->mutex);
        gate_->released.wait_for(lock, 10s, [this] { return gate_->open; });
        return SendResult::ok();
    }

   private:
    std::string id_ = "hangs";
    std::shared_ptr<Gate> gate_;
};

TEST(HungSink, CloseReturnsWithinTheExitBudgetAndKeepsTheEvents) {
    TempDir dir;
    auto gate = std::make_shared<Gate>();
    Config config = test_config();
    config.exit_budget_ms = 200;
    std::set<std::string> tracked;
    Counters after_close;
    std::chrono::milliseconds took{};
    {
        std::vector<std::unique_ptr<Sink>> sinks;
        sinks.push_back(std::make_unique<HangingSink>(gate));
        Collector collector(config, std::move(sinks), granted(dir.str()));
        for (int i = 0; i < 10; ++i) collector.track_command("build", i, 0);
        for (const auto& event : collector.pending_events()) tracked.insert(event.event_id.str());
        const auto start = Clock::now();
        collector.close();
        took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        after_close = collector.counters();
    }
    // The send hangs for 10 s; close() must return at its budget (slack for a loaded machine).
    EXPECT_LE(took.count(), config.exit_budget_ms + 400) << "close() was held by a hung send";
    EXPECT_TRUE(after_close.adds_up()) << describe(after_close);
    EXPECT_EQ(ids_on_disk(dir.path()), tracked) << "the hung batch must be spilled for a later run";
    {
        std::lock_guard lock(gate->mutex);
        gate->open = true;
    }
    gate->released.notify_all();
    EXPECT_GE(gate->calls.load(), 1);
}

}  // namespace
}  // namespace overt::testing
