// SPDX-License-Identifier: MIT
// Hostile configs: an alias bomb, a huge file, a million keys, deep nesting, NUL bytes and
// broken UTF-8 end in a ConfigError naming file, line and limit, quickly and in bounded memory;
// a config just under each limit still loads.
#include <overt/config.hpp>

#include "config/bounded_yaml.hpp"
#include "../privacy/test_env.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using namespace std::string_literals;

const std::string kHostileSource = "/etc/tool/overt.yaml";

overt::ConfigError refusal_of(const std::string& text) {
    try {
        overt::parse_config(text, kHostileSource);
    } catch (const overt::ConfigError& error) {
        return error;
    }
    ADD_FAILURE() << "accepted a hostile config of " << text.size() << " bytes";
    return overt::ConfigError("", 0, "", "");
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The classic: nine levels of nine aliases each, 9^9 (387 million) scalars once expanded.
std::string alias_bomb() {
    std::string text = "tool: {name: t}\nbackends:\n  - plugin: http\n    a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (char level = 'b'; level <= 'i'; ++level) {
        const char below = static_cast<char>(level - 1);
        text += std::string("    ") + level + ": &" + level + " [";
        for (int i = 0; i < 9; ++i) text += std::string(i ? ", " : "") + "*" + below;
        text += "]\n";
    }
    return text;
}

TEST(ConfigLimits, AliasBombIsRefusedQuickly) {
    const auto start = Clock::now();
    const auto error = refusal_of(alias_bomb());
    EXPECT_LT(seconds_since(start), 2.0);
    EXPECT_EQ(error.file(), kHostileSource);
    EXPECT_EQ(error.line(), 8);  // level e: the first alias that passes 10000 nodes
    EXPECT_EQ(error.key(), "backends[0].e[0]");
    EXPECT_THAT(error.what(), HasSubstr("past the limit of 10000 nodes"));
}

TEST(ConfigLimits, AliasesWithinTheBudgetLoad) {
    const auto config = overt::parse_config(
        "tool: {name: t}\nbackends:\n  - plugin: http\n    base: &tags [a, b, c]\n    more: [*tags, *tags]\n", kHostileSource);
    ASSERT_EQ(config.backends.size(), 1u);
    EXPECT_EQ(config.backends[0].settings_json, R"({"base":["a","b","c"],"more":[["a","b","c"],["a","b","c"]]})");
}

TEST(ConfigLimits, TwelveMegabyteFileIsRefusedBeforeParsing) {
    overt::test::TempDir dir;
    const std::string path = dir.str() + "/overt.yaml";
    {
        std::ofstream out(path);
        out << "tool: {name: t}\nmetadata:\n";
        for (int i = 0; out.tellp() < 12 << 20; ++i) out << "  key" << i << ": value\n";
    }
    const auto start = Clock::now();
    try {
        overt::load_config(path);
        FAIL() << "loaded a 12 MB config";
    } catch (const overt::ConfigError& error) {
        EXPECT_LT(seconds_since(start), 0.5);
        EXPECT_EQ(error.file(), path);
        EXPECT_THAT(error.what(), HasSubstr("more than the limit of 1048576 bytes (1 MiB)"));
    }
    // The validator reports the same, once.
    const auto problems = overt::validate_config_file(path, false);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_THAT(problems[0].to_string(), HasSubstr(path + ": the file is "));
    EXPECT_THAT(refusal_of(std::string(overt::config::kMaxConfigBytes + 1, '#')).what(), HasSubstr("1 MiB"));
}

TEST(ConfigLimits, AMillionNodesUnderTheSizeLimitAreRefusedByCount) {
    // "[a,a,...]": two bytes a node, so half a million nodes fit under 1 MiB.
    std::string text = "tool: {name: t}\nplugin_dirs: [";
    while (text.size() < overt::config::kMaxConfigBytes - 2) text += "a,";
    text += "]";
    const auto start = Clock::now();
    const auto error = refusal_of(text);
    EXPECT_LT(seconds_since(start), 2.0);
    EXPECT_EQ(error.line(), 2);
    EXPECT_THAT(error.what(), HasSubstr("more than the limit of 10000 nodes"));
}

TEST(ConfigLimits, TooManyMetadataEntriesOrBackends) {
    std::string metadata = "tool: {name: t}\nmetadata:\n";
    for (size_t i = 0; i < overt::config::kMaxMetadataEntries; ++i) metadata += "  k" + std::to_string(i) + ": v\n";
    EXPECT_EQ(overt::parse_config(metadata, kHostileSource).metadata.size(), overt::config::kMaxMetadataEntries);
    const auto error = refusal_of(metadata + "  one_more: v\n");
    EXPECT_EQ(error.line(), 3);
    EXPECT_EQ(error.key(), "metadata");
    EXPECT_THAT(error.what(), HasSubstr("1001 entries, more than the limit of 1000"));

    std::string backends = "tool: {name: t}\nbackends:\n";
    for (size_t i = 0; i < overt::config::kMaxBackends; ++i) backends += "  - {plugin: file, id: f" + std::to_string(i) + "}\n";
    EXPECT_EQ(overt::parse_config(backends, kHostileSource).backends.size(), overt::config::kMaxBackends);
    EXPECT_THAT(refusal_of(backends + "  - {plugin: file, id: extra}\n").what(), HasSubstr("more than the limit of 64"));
}

TEST(ConfigLimits, DeepNestingIsRefused) {
    const auto start = Clock::now();
    const auto flow = refusal_of("tool: {name: t}\nbackends:\n  - plugin: http\n    deep: " + std::string(10000, '['));
    EXPECT_LT(seconds_since(start), 2.0);
    EXPECT_EQ(flow.line(), 4);
    EXPECT_THAT(flow.what(), HasSubstr("deeper than the limit of 64 levels"));
    EXPECT_THAT(refusal_of(std::string(10000, '[') + std::string(10000, ']')).what(), HasSubstr("64 levels"));
    EXPECT_THAT(refusal_of(std::string(10000, '{')).what(), HasSubstr("64 levels"));
    // Block nesting: each level one more indented key.
    std::string block = "tool: {name: t}\nbackends:\n  - plugin: http\n";
    for (int level = 0; level < 100; ++level) block += std::string(4 + 2 * level, ' ') + "k:\n";
    EXPECT_THAT(refusal_of(block).what(), HasSubstr("64 levels"));
    // An alias that would nest its target too deep counts its target's depth.
    std::string nested = "tool: {name: t}\nbackends:\n  - plugin: http\n    deep: &deep " + std::string(40, '[') +
                         std::string(40, ']') + "\n    again: " + std::string(30, '[') + "*deep" + std::string(30, ']') + "\n";
    EXPECT_THAT(refusal_of(nested).what(), HasSubstr("this alias nests deeper than the limit of 64 levels"));
}

TEST(ConfigLimits, JustUnderTheDepthAndNodeLimitsLoads) {
    // The map backends, the list and the block make three levels; the value adds 61.
    std::string deep = "tool: {name: t}\nbackends:\n  - plugin: http\n    deep: " + std::string(61, '[') + std::string(61, ']') + "\n";
    EXPECT_NO_THROW(overt::parse_config(deep, kHostileSource));
    deep = "tool: {name: t}\nbackends:\n  - plugin: http\n    deep: " + std::string(62, '[') + std::string(62, ']') + "\n";
    EXPECT_THAT(refusal_of(deep).what(), HasSubstr("64 levels"));

    // Nodes: root, tool key, tool map, name key and value, backends key, list, block, plugin
    // key and value, tags key, list: 12, then the tags.
    const auto with_tags = [](size_t tags) {
        std::string text = "tool: {name: t}\nbackends:\n  - plugin: http\n    tags: [";
        for (size_t i = 0; i < tags; ++i) text += "x,";
        return text + "]\n";
    };
    EXPECT_NO_THROW(overt::parse_config(with_tags(overt::config::kMaxConfigNodes - 12), kHostileSource));
    EXPECT_THAT(refusal_of(with_tags(overt::config::kMaxConfigNodes - 11)).what(), HasSubstr("10000 nodes"));
}

TEST(ConfigLimits, LongScalarsAreRefused) {
    const std::string fits(overt::config::kMaxConfigScalarBytes, 'x');
    EXPECT_EQ(overt::parse_config("tool: {name: t}\nmetadata:\n  k: " + fits + "\n", kHostileSource).metadata.at(0).second, fits);
    const auto error = refusal_of("tool: {name: t}\nmetadata:\n  k: \"" + fits + "y\"\n");
    EXPECT_EQ(error.line(), 3);
    EXPECT_EQ(error.key(), "metadata.k");
    EXPECT_THAT(error.what(), HasSubstr("longer than the limit of 65536 bytes"));
}

TEST(ConfigLimits, JustUnderTheSizeLimitLoads) {
    std::string text = "tool: {name: t}\n";
    text += "# " + std::string(overt::config::kMaxConfigBytes - text.size() - 3, '-') + "\n";
    ASSERT_EQ(text.size(), overt::config::kMaxConfigBytes);
    EXPECT_EQ(overt::parse_config(text, kHostileSource).tool_name, "t");
    overt::test::TempDir dir;
    const std::string path = dir.str() + "/overt.yaml";
    std::ofstream(path) << text;
    EXPECT_EQ(overt::load_config(path).tool_name, "t");
    std::ofstream(path, std::ios::app) << "#";
    EXPECT_THROW(overt::load_config(path), overt::ConfigError);
}

TEST(ConfigLimits, NulByteInAQuotedValueNamesTheLine) {
    const auto error = refusal_of("tool: {name: t}\nmetadata:\n  k: \"a\0b\"\n"s);
    EXPECT_EQ(error.file(), kHostileSource);
    EXPECT_EQ(error.line(), 3);
    EXPECT_THAT(error.what(), HasSubstr(kHostileSource + ":3: contains a NUL byte"));
}

TEST(ConfigLimits, InvalidUtf8InAQuotedValueNamesTheLine) {
    for (const char* bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
        const auto error = refusal_of("tool: {name: t}\nmetadata:\n  ok: \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"\n  k: 'a" + std::string(bad) + "b'\n");
        EXPECT_EQ(error.line(), 4) << error.what();
        EXPECT_THAT(error.what(), HasSubstr(kHostileSource + ":4: contains bytes that are not valid UTF-8"));
    }
}

TEST(ConfigLimits, ValidatorReportsNulAndUtf8Problems) {
    overt::test::TempDir dir;
    const std::string path = dir.str() + "/overt.yaml";
    std::ofstream(path) << "tool: {name: t}\nbackends:\n  - plugin: http\n    endpoint: \"http://x/\xff\"\n";
    const auto problems = overt::validate_config_file(path, false);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].to_string(), path + ":4: contains bytes that are not valid UTF-8");
}

TEST(ConfigLimits, OnlyTheFirstDocumentIsRead) {
    // As before: a later document is neither loaded nor checked.
    EXPECT_EQ(overt::parse_config("tool: {name: t}\n---\n" + std::string(100, '['), kHostileSource).tool_name, "t");
}

}  // namespace
