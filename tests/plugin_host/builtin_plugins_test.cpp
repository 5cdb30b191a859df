// SPDX-License-Identifier: MIT
// The file and stdout plugins, loaded through the host as a tool would.
#include "test_support.hpp"

#include <overt/plugins.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <sstream>

using overt::PluginHost;
using overt::SendStatus;
using overt::test::TempDir;
using overt::test::soon;
using testing::HasSubstr;

namespace {

std::unique_ptr<overt::Sink> builtin(const std::string& plugin, const nlohmann::json& settings) {
    PluginHost host({OVERT_BUILTIN_PLUGIN_DIR});
    return host.create_sink({plugin, plugin, settings.dump(), "", 0});
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST(FilePlugin, WritesOneJsonLinePerEventAndAppends) {
    TempDir dir;
    const std::string path = dir.file("nested/deeper/telemetry.ndjson");
    auto sink = builtin("file", {{"path", path}});
    EXPECT_EQ(sink->describe(), "file (" + path + ")");
    std::vector<overt::Event> events{overt::test::sample_event("one"), overt::test::sample_event("two")};
    ASSERT_EQ(sink->send(events, soon()).status, SendStatus::ok);

    auto lines = lines_of(overt::test::read_file(path));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], overt::to_json(events[0]));
    EXPECT_EQ(lines[1], overt::to_json(events[1]));
    EXPECT_EQ(nlohmann::json::parse(lines[1])["name"], "two");

    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(dir.file("nested").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);

    // A second instance (another process, a later run) appends rather than truncates.
    auto again = builtin("file", {{"path", path}, {"fsync", true}});
    ASSERT_EQ(again->send(std::span(events).first(1), soon()).status, SendStatus::ok);
    lines = lines_of(overt::test::read_file(path));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[2], overt::to_json(events[0]));
}

TEST(FilePlugin, UnwritablePathKeepsTheEventsAndSaysWhy) {
    TempDir dir;
    overt::test::write_file(dir.file("plain"), "x");
    // A regular file where a directory should be: no retry in this run can fix it.
    auto sink = builtin("file", {{"path", dir.file("plain/telemetry.ndjson")}});
    auto event = overt::test::sample_event("a");
    const auto result = sink->send(std::span(&event, 1), soon());
    EXPECT_EQ(result.status, SendStatus::fatal);
    EXPECT_EQ(result.accepted, 0u);
    EXPECT_THAT(result.message, HasSubstr(dir.file("plain/telemetry.ndjson")));
    EXPECT_THAT(result.message, HasSubstr("Not a directory"));

    // The path is a directory.
    auto onto_dir = builtin("file", {{"path", dir.path()}});
    const auto second = onto_dir->send(std::span(&event, 1), soon());
    EXPECT_EQ(second.status, SendStatus::fatal);
    EXPECT_THAT(second.message, HasSubstr("Is a directory"));
}

TEST(FilePlugin, ConfigNeedsAPathAndNothingElse) {
    PluginHost host({OVERT_BUILTIN_PLUGIN_DIR});
    try {
        host.create_sink({"file", "local", R"({"fsync": "yes", "rotate": 3})", "", 0});
        FAIL();
    } catch (const overt::PluginError& e) {
        const std::string what = e.what();
        EXPECT_THAT(what, HasSubstr("backend \"local\""));
        EXPECT_THAT(what, HasSubstr("/path: is required"));
        EXPECT_THAT(what, HasSubstr("/fsync: must be a boolean"));
        EXPECT_THAT(what, HasSubstr("/rotate: is not an allowed key"));
    }
}

TEST(StdoutPlugin, PrintsTheBatchAsAPrettyJsonArray) {
    auto sink = builtin("stdout", nlohmann::json::object());
    EXPECT_EQ(sink->describe(), "stdout");
    std::vector<overt::Event> events{overt::test::sample_event("generate"), overt::test::sample_event("other")};
    testing::internal::CaptureStdout();
    const auto result = sink->send(events, soon());
    const std::string out = testing::internal::GetCapturedStdout();
    ASSERT_EQ(result.status, SendStatus::ok) << result.message;

    const auto parsed = nlohmann::json::parse(out);
    ASSERT_TRUE(parsed.is_array());
    ASSERT_EQ(parsed.size(), 2u);
    EXPECT_EQ(parsed[0], nlohmann::json::parse(overt::to_json(events[0])));
    EXPECT_EQ(parsed[1]["name"], "other");
    EXPECT_TRUE(out.starts_with("[\n  {\n    \"")) << out;
    EXPECT_TRUE(out.ends_with("\n  }\n]\n")) << out;
    // Go's escaping in the event JSON survives the re-indent.
    EXPECT_THAT(out, HasSubstr("it \\u003cfailed\\u003e"));
    EXPECT_THAT(out, HasSubstr("\"args\": [\n      \"--flag\",\n      \"value\"\n    ]"));
}

TEST(StdoutPlugin, StreamCanBeStderr) {
    auto sink = builtin("stdout", {{"stream", "stderr"}});
    auto event = overt::test::sample_event("e");
    testing::internal::CaptureStderr();
    const auto result = sink->send(std::span(&event, 1), soon());
    const std::string err = testing::internal::GetCapturedStderr();
    ASSERT_EQ(result.status, SendStatus::ok);
    EXPECT_EQ(nlohmann::json::parse(err).at(0)["name"], "e");
    EXPECT_THROW(builtin("stdout", {{"stream", "printer"}}), overt::PluginError);
}
