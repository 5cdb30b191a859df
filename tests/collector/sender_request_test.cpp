// SPDX-License-Identifier: MIT
// The request close() hands to overt-sender: every field survives the trip, and a damaged
// request is refused naming what is wrong.
#include "delivery/sender_request.hpp"

#include <gtest/gtest.h>

namespace overt::delivery {
namespace {

SenderRequest full_request() {
    SenderRequest r;
    Config& c = r.config;
    c.source_path = "/etc/tool/overt.yaml";
    c.tool_name = "mytool";
    c.tool_version = "1.2.3";
    c.enabled = true;
    c.force_enabled = true;
    c.extended_collection = true;
    c.delivery_mode = DeliveryMode::at_most_once;
    c.plugin_dirs = {"/opt/a", "/opt/b"};
    c.buffer_max_events = 17;
    c.spill_max_files = 3;
    c.spill_max_bytes = 12345678901ull;
    c.exit_budget_ms = 150;
    c.flush_timeout_ms = 2500;
    c.data_dir = "/home/u/.local/share/mytool/telemetry";
    c.metadata = {{"team", "core"}, {"quote", "a \"b\"\n"}};
    c.deletion_email = "privacy@example.com";
    c.deletion_endpoint = "https://example.com/delete";
    BackendConfig b;
    b.plugin = "otlp";
    b.id = "main";
    b.settings_json = R"({"endpoint":"https://collector:4318","headers":{"x-key":"s3cret"}})";
    b.sha256 = std::string(64, 'a');
    b.line = 12;
    c.backends = {b};
    c.exit_delivery = ExitDelivery::background;
    r.machine_id = "0123456789abcdef";
    r.exit_spill_files = {"telemetry-spill-1-2-3.json"};
    r.counters.tracked = 10;
    r.counters.recovered = 1;
    r.counters.buffered = 2;
    r.counters.spilled = 7;
    r.counters.sent = 2;
    r.counters.dropped = {{"spill_cap", 1}};
    r.counters.corrupt_files = 4;
    r.persisted_base.tracked = 3;
    r.persisted_base.sent = 2;
    r.persisted_base.dropped = {{"rejected", 5}};
    r.own_files = {{"telemetry-spill-1-2-3.json", 7}};
    r.masked_values = {"hunter2-very-secret"};
    return r;
}

TEST(SenderRequest, EveryFieldSurvivesTheTrip) {
    const SenderRequest in = full_request();
    const SenderRequest out = decode_sender_request(encode_sender_request(in));
    const Config& a = in.config;
    const Config& b = out.config;
    EXPECT_EQ(b.source_path, a.source_path);
    EXPECT_EQ(b.tool_name, a.tool_name);
    EXPECT_EQ(b.tool_version, a.tool_version);
    EXPECT_EQ(b.force_enabled, a.force_enabled);
    EXPECT_EQ(b.extended_collection, a.extended_collection);
    EXPECT_EQ(b.delivery_mode, DeliveryMode::at_most_once);
    EXPECT_EQ(b.plugin_dirs, a.plugin_dirs);
    EXPECT_EQ(b.buffer_max_events, 17u);
    EXPECT_EQ(b.spill_max_files, 3u);
    EXPECT_EQ(b.spill_max_bytes, 12345678901ull);
    EXPECT_EQ(b.exit_budget_ms, 150);
    EXPECT_EQ(b.flush_timeout_ms, 2500);
    EXPECT_EQ(b.data_dir, a.data_dir);
    EXPECT_EQ(b.metadata, a.metadata);
    EXPECT_EQ(b.deletion_email, a.deletion_email);
    EXPECT_EQ(b.deletion_endpoint, a.deletion_endpoint);
    ASSERT_EQ(b.backends.size(), 1u);
    EXPECT_EQ(b.backends[0].plugin, "otlp");
    EXPECT_EQ(b.backends[0].id, "main");
    EXPECT_EQ(b.backends[0].settings_json, a.backends[0].settings_json);
    EXPECT_EQ(b.backends[0].sha256, a.backends[0].sha256);
    EXPECT_EQ(b.backends[0].line, 12);
    EXPECT_EQ(b.exit_delivery, ExitDelivery::in_process) << "the sender must never hand off again";
    EXPECT_EQ(out.machine_id, in.machine_id);
    EXPECT_EQ(out.exit_spill_files, in.exit_spill_files);
    EXPECT_EQ(out.counters.tracked, 10u);
    EXPECT_EQ(out.counters.recovered, 1u);
    EXPECT_EQ(out.counters.buffered, 2u);
    EXPECT_EQ(out.counters.spilled, 7u);
    EXPECT_EQ(out.counters.sent, 2u);
    EXPECT_EQ(out.counters.dropped, in.counters.dropped);
    EXPECT_EQ(out.counters.corrupt_files, 4u);
    EXPECT_EQ(out.persisted_base.tracked, 3u);
    EXPECT_EQ(out.persisted_base.sent, 2u);
    EXPECT_EQ(out.persisted_base.dropped, in.persisted_base.dropped);
    EXPECT_EQ(out.own_files, in.own_files);
    EXPECT_EQ(out.masked_values, in.masked_values);
}

void expect_refused(const std::string& text, const std::string& reason) {
    try {
        decode_sender_request(text);
        ADD_FAILURE() << "accepted: " << text;
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
}

TEST(SenderRequest, ADamagedRequestIsRefusedNamingWhatIsWrong) {
    expect_refused("", "not JSON");
    expect_refused("[1]", "not a JSON object");
    expect_refused(R"({"version":2})", "version 2 is not 1");
    std::string good = encode_sender_request(full_request());
    std::string no_tool = good;
    no_tool.replace(no_tool.find("\"tool_name\""), 11, "\"tool_nom\"");
    expect_refused(no_tool, "config.tool_name is missing");
    std::string wrong_type = good;
    wrong_type.replace(wrong_type.find("\"spill_max_files\":3"), 19, "\"spill_max_files\":\"3\"");
    expect_refused(wrong_type, "config.spill_max_files has the wrong type");
    std::string bad_mode = good;
    bad_mode.replace(bad_mode.find("\"at_most_once\""), 14, "\"sometimes\"");
    expect_refused(bad_mode, "config.delivery_mode 'sometimes' is not a delivery mode");
}

}  // namespace
}  // namespace overt::delivery
