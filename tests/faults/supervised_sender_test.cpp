// SPDX-License-Identifier: MIT
// overt-sender runs plugins in a supervised worker: a plugin that crashes, exits or hangs in
// any entry point takes down only the worker. The sender still ends within its deadline, what
// it was handed stays on disk, the health file names the backend and the call, three such runs
// in a row quarantine the backend, and a fixed plugin gets every event delivered later.
#include "supervised_sender_support.hpp"

namespace overt::testing {
namespace {

struct Fault {
    std::string fault;  // the plugin's "fault" setting
    std::string in;     // its "in" setting, or "load" (OVERT_TEST_FAULT_IN_LOAD)
    std::string blamed; // what the health file must say
};

std::string fault_name(const ::testing::TestParamInfo<Fault>& info) { return info.param.fault + "_in_" + info.param.in; }

// ctest and gtest name the case by it (instead of a byte dump).
void PrintTo(const Fault& fault, std::ostream* out) { *out << fault.fault << " in " << fault.in; }

class SenderSurvivesPlugin : public FaultySenderTest, public ::testing::WithParamInterface<Fault> {
   protected:
    SenderRun run_faulty() {
        const Fault& f = GetParam();
        if (f.in == "load") return run_sender({{"fault", "none"}}, f.fault.c_str());
        return run_sender({{"fault", f.fault}, {"in", f.in}});
    }
};

TEST_P(SenderSurvivesPlugin, EndsInTimeKeepsEveryEventAndBlamesTheBackend) {
    const SenderRun run = run_faulty();
    EXPECT_LT(run.took, kSenderLimit) << "the sender was held by the plugin; log:\n" << sender_log();
    EXPECT_TRUE(WIFEXITED(run.status)) << "the supervisor itself died";

    // Nothing lost: an event is either still on disk or was accepted by the plugin before it
    // misbehaved (a fault in flush or destroy comes after the sends).
    std::set<std::string> kept = ids_on_disk(dir.path());
    for (const auto& [id, times] : accepted()) kept.insert(id);
    EXPECT_EQ(kept, ids);
    if (GetParam().in != "flush" && GetParam().in != "destroy") {
        EXPECT_EQ(ids_on_disk(dir.path()), ids);
    }

    const nlohmann::json faulty = faulty_health();
    ASSERT_FALSE(faulty.empty()) << "no health record for the backend; log:\n" << sender_log();
    EXPECT_EQ(faulty.value("consecutive_failures", 0), 1);
    const std::string reason = faulty.value("last_reason", "");
    EXPECT_NE(reason.find(GetParam().blamed), std::string::npos) << reason;
    EXPECT_NE(reason.find(GetParam().in + "()"), std::string::npos) << reason;
    EXPECT_EQ(faulty.value("quarantined_since_unix", -1), 0);
    EXPECT_EQ(faulty.at("library").value("path", ""), library().string());
}

INSTANTIATE_TEST_SUITE_P(
    Faults, SenderSurvivesPlugin,
    ::testing::Values(Fault{"segv", "send", "killed by SIGSEGV in send()"},
                      Fault{"abort", "send", "killed by SIGABRT in send()"},
                      // The status is the plugin's 0, or 66 under TSan (it reports the races of
                      // an exit() called while other threads run).
                      Fault{"exit0", "send", "exited with status "},
                      Fault{"sigkill", "send", "killed by SIGKILL in send()"},
                      Fault{"hang", "send", "did not return from send() within"},
                      Fault{"segv", "create", "killed by SIGSEGV in create()"},
                      Fault{"hang", "create", "did not return from create() within"},
                      Fault{"segv", "describe", "killed by SIGSEGV in describe()"},
                      Fault{"segv", "flush", "killed by SIGSEGV in flush()"},
                      Fault{"hang", "destroy", "did not return from destroy() within"},
                      Fault{"segv", "load", "killed by SIGSEGV in load()"},
                      Fault{"hang", "load", "did not return from load() within"}),
    fault_name);

using SenderQuarantine = FaultySenderTest;

TEST_F(SenderQuarantine, ThreeDeathsInARowQuarantineUntilTheFixedPluginDeliversEverything) {
    const nlohmann::json crashing = {{"fault", "segv"}, {"in", "send"}};
    for (int i = 0; i < 3; ++i) {
        const SenderRun run = run_sender(crashing);
        ASSERT_LT(run.took, kSenderLimit);
    }
    nlohmann::json faulty = faulty_health();
    EXPECT_EQ(faulty.value("consecutive_failures", 0), 3);
    EXPECT_GT(faulty.value("quarantined_since_unix", 0), 0);
    EXPECT_EQ(health().value("quarantines_total", 0), 1);
    EXPECT_EQ(ids_on_disk(dir.path()), ids);

    // Quarantined: the worker does not load it, so the run ends at once and nothing changes.
    const SenderRun skipped = run_sender(crashing);
    EXPECT_TRUE(WIFEXITED(skipped.status) && WEXITSTATUS(skipped.status) == 0) << sender_log();
    EXPECT_LT(skipped.took, kSenderLimit);
    EXPECT_EQ(faulty_health().value("consecutive_failures", 0), 3) << "a quarantined backend was run";
    EXPECT_EQ(ids_on_disk(dir.path()), ids);
    EXPECT_NE(sender_log().find("quarantined: killed or hung the sender 3 times in a row; last: killed by SIGSEGV in send()"),
              std::string::npos)
        << sender_log();

    // overt status shows it.
    const fs::path yaml = dir.path() / "overt.yaml";
    write_file(yaml, "tool: {name: mytool}\ndata_dir: " + dir.str() + "\nplugin_dirs: [" + plugin_dir().string() +
                         "]\nbackends:\n  - plugin: faulty\n");
    const fs::path out = dir.path() / "status.txt";
    const std::string command = std::string(OVERT_CLI_PATH) + " -c " + yaml.string() + " status > " + out.string() + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << read_file(out);
    const std::string status = read_file(out);
    EXPECT_NE(status.find("quarantines so far: 1"), std::string::npos) << status;
    EXPECT_NE(status.find("faulty: quarantined: killed or hung the sender 3 times in a row; last: killed by SIGSEGV in send()"),
              std::string::npos)
        << status;

    // Fixed: a new library and a config without the fault. Every event arrives, once.
    touch_library();
    const SenderRun fixed = run_sender({{"fault", "none"}});
    EXPECT_LT(fixed.took, kSenderLimit);
    std::map<std::string, int> expected;
    for (const auto& id : ids) expected[id] = 1;
    EXPECT_EQ(accepted(), expected) << sender_log();
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_TRUE(faulty_health().empty()) << "a run that delivered did not clear the record: " << health().dump();
    EXPECT_EQ(health().value("quarantines_total", 0), 1);
}

TEST_F(SenderQuarantine, AFinishedRunResetsTheCount) {
    ASSERT_LT(run_sender({{"fault", "abort"}, {"in", "send"}}).took, kSenderLimit);
    ASSERT_LT(run_sender({{"fault", "abort"}, {"in", "send"}}).took, kSenderLimit);
    EXPECT_EQ(faulty_health().value("consecutive_failures", 0), 2);
    run_sender({{"fault", "none"}});
    EXPECT_TRUE(faulty_health().empty()) << health().dump();
    EXPECT_EQ(accepted().size(), ids.size());
    // Counting starts again: one more crash is one, not three.
    spill_events(3);
    run_sender({{"fault", "abort"}, {"in", "send"}});
    EXPECT_EQ(faulty_health().value("consecutive_failures", 0), 1);
}

TEST_F(SenderQuarantine, AHostileHealthFileIsTreatedAsEmpty) {
    write_file(health_file(), R"({"version":1,"quarantines_total":-4,"backends":{"faulty":[1,2]}})");
    const SenderRun run = run_sender({{"fault", "none"}});
    EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << sender_log();
    EXPECT_EQ(accepted().size(), ids.size()) << "a garbled health file stopped delivery";
    EXPECT_NE(sender_log().find("treated as empty"), std::string::npos) << sender_log();

    write_file(health_file(), std::string(300 * 1024, '{'));
    spill_events(2);
    run_sender({{"fault", "segv"}, {"in", "send"}});
    EXPECT_EQ(faulty_health().value("consecutive_failures", 0), 1) << "the oversized file was not replaced";
    EXPECT_EQ(fs::status(health_file()).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

}  // namespace
}  // namespace overt::testing
