// SPDX-License-Identifier: MIT
// The supervisor's health records: counting, quarantine after three failures in a row, and
// the two ways out of quarantine (a changed library file, a day's wait).
#include "fault_support.hpp"

#include "delivery/backend_health.hpp"
#include "plugin/quarantine_list.hpp"

#include <nlohmann/json.hpp>

namespace overt::testing {
namespace {

using namespace delivery;

constexpr int64_t kNow = 1'800'000'000;

struct QuarantinedLibrary : ::testing::Test {
    void SetUp() override {
        write_file(library, "a plugin");
        for (int i = 0; i < kQuarantineAfterFailures; ++i)
            record_failure(records, "otlp", "killed by SIGSEGV in send()", identify_library(library.string()), kNow);
    }
    TempDir dir;
    fs::path library = dir.path() / "libovert-otlp.so";
    HealthRecords records;
};

TEST_F(QuarantinedLibrary, IsQuarantinedOnceWithTheReason) {
    const BackendHealth& health = records.backends.at("otlp");
    EXPECT_TRUE(health.quarantined());
    EXPECT_EQ(records.quarantines_total, 1u);
    EXPECT_EQ(quarantine_text(health),
              "quarantined: killed or hung the sender 3 times in a row; last: killed by SIGSEGV in send()");
    record_failure(records, "otlp", "killed by SIGABRT in send()", identify_library(library.string()), kNow + 1);
    EXPECT_EQ(records.quarantines_total, 1u) << "a fourth failure is not a second quarantine";
}

TEST_F(QuarantinedLibrary, StaysWhileTheFileIsUnchangedAndUnderADay) {
    EXPECT_FALSE(lift_stale_quarantines(records, kNow + 23 * 3600));
    EXPECT_TRUE(records.backends.at("otlp").quarantined());
}

TEST_F(QuarantinedLibrary, LiftsAfterADay) {
    EXPECT_TRUE(lift_stale_quarantines(records, kNow + 24 * 3600));
    EXPECT_TRUE(records.backends.empty());
}

TEST_F(QuarantinedLibrary, LiftsWhenTheLibraryChanges) {
    write_file(library, "a fixed plugin");
    EXPECT_TRUE(lift_stale_quarantines(records, kNow + 1));
    EXPECT_TRUE(records.backends.empty());
}

TEST_F(QuarantinedLibrary, RoundTripsThroughTheFile) {
    std::string error, warning;
    ASSERT_TRUE(write_backend_health(dir.str(), records, error)) << error;
    const HealthRecords read = read_backend_health(dir.str(), warning);
    EXPECT_EQ(warning, "");
    EXPECT_EQ(read.quarantines_total, 1u);
    ASSERT_EQ(read.backends.count("otlp"), 1u);
    EXPECT_EQ(read.backends.at("otlp").library, records.backends.at("otlp").library);
    EXPECT_EQ(read.backends.at("otlp").quarantined_since_unix, kNow);
    EXPECT_EQ(fs::status(dir.path() / kHealthFileName).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
}

TEST(BackendHealthFile, ASymlinkIsNotFollowed) {
    TempDir dir;
    write_file(dir.path() / "elsewhere.json", R"({"version":1,"quarantines_total":7,"backends":{}})");
    fs::create_symlink(dir.path() / "elsewhere.json", dir.path() / kHealthFileName);
    std::string warning;
    EXPECT_EQ(read_backend_health(dir.str(), warning).quarantines_total, 0u);
    EXPECT_NE(warning.find("treated as empty"), std::string::npos) << warning;
}

}  // namespace
}  // namespace overt::testing

namespace overt::testing {
namespace {

// What the sender's worker does with the supervisor's list: the backend is not loaded, says
// why in backend_info, and its events stay on disk owed to it.
TEST(QuarantineList, AQuarantinedBackendIsNotLoadedAndKeepsItsEvents) {
    TempDir dir;
    Config config = test_config();
    config.force_enabled = true;
    config.data_dir = dir.str();
    config.plugin_dirs = {OVERT_TEST_PLUGIN_DIR};
    BackendConfig file;
    file.plugin = "file";
    file.id = "file";
    file.settings_json = nlohmann::json{{"path", (dir.path() / "out.ndjson").string()}}.dump();
    config.backends = {file};
    plugin::set_quarantined_backends({{"file", "quarantined: killed or hung the sender 3 times in a row; last: x"}});
    auto collector = Collector::open(config);
    plugin::set_quarantined_backends({});
    EXPECT_NE(collector->backend_info().find("quarantined: killed or hung the sender 3 times in a row; last: x"),
              std::string::npos)
        << collector->backend_info();
    collector->track_command("build", 1, 0);
    const std::set<std::string> tracked = ids_of(collector->pending_events());
    collector->close();
    EXPECT_FALSE(fs::exists(dir.path() / "out.ndjson"));
    EXPECT_EQ(ids_on_disk(dir.path()), tracked);
}

}  // namespace
}  // namespace overt::testing
