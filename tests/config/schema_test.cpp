// SPDX-License-Identifier: MIT
// The config schema: it is the shipped file, it accepts the sample, it agrees with the loader
// (same keys, same verdict on sample documents), and validate_config_file maps every problem to
// the line and key of the offending entry.
#include <overt/config.hpp>

#include "../privacy/test_env.hpp"
#include "schema/json_schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

using ::testing::HasSubstr;
using overt::test::ScopedEnv;
using overt::test::TempDir;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const overt::schema::JsonSchema& config_schema() {
    static const auto schema = overt::schema::JsonSchema::parse(overt::config_schema());
    return schema;
}

class ValidateTest : public ::testing::Test {
   protected:
    TempDir dir_;
    ScopedEnv plugin_path_{"OVERT_PLUGIN_PATH", OVERT_TEST_PLUGIN_DIR};

    std::string write(const std::string& text) {
        const std::string path = dir_.str() + "/overt.yaml";
        std::ofstream(path) << text;
        return path;
    }
};

TEST(ConfigSchema, CompiledInSchemaIsTheShippedFile) {
    EXPECT_EQ(std::string(overt::config_schema()), read_file(OVERT_CONFIG_SCHEMA_FILE));
    const auto& document = config_schema().document();
    EXPECT_EQ(document["$schema"], "http://json-schema.org/draft-07/schema#");
    EXPECT_EQ(document["additionalProperties"], false);
    EXPECT_EQ(document["definitions"]["backend"]["required"], nlohmann::json::array({"plugin"}));
    EXPECT_EQ(document["definitions"]["backend"]["additionalProperties"], true);
}

// The loader lists the keys it knows in its unknown-key error; the schema's properties must be
// exactly those, at every level.
std::set<std::string> loader_known_keys(const std::string& yaml) {
    try {
        overt::parse_config(yaml, "probe.yaml");
    } catch (const overt::ConfigError& error) {
        const std::string text = error.what();
        const size_t begin = text.find("known here: ");
        const size_t end = text.rfind(')');
        EXPECT_NE(begin, std::string::npos) << text;
        std::set<std::string> keys;
        std::stringstream list(text.substr(begin + 12, end - begin - 12));
        for (std::string key; std::getline(list, key, ',');) keys.insert(key.substr(key.find_first_not_of(' ')));
        return keys;
    }
    ADD_FAILURE() << "the loader accepted an unknown key";
    return {};
}

std::set<std::string> schema_keys(const nlohmann::json& object_schema) {
    std::set<std::string> keys;
    for (const auto& [key, value] : object_schema["properties"].items()) keys.insert(key);
    return keys;
}

TEST(ConfigSchema, LoaderAndSchemaKnowTheSameKeys) {
    const auto& schema = config_schema().document();
    EXPECT_EQ(loader_known_keys("tool: {name: t}\nzz_unknown: 1\n"), schema_keys(schema));
    EXPECT_EQ(loader_known_keys("tool: {name: t, zz_unknown: 1}\n"), schema_keys(schema["properties"]["tool"]));
    EXPECT_EQ(loader_known_keys("tool: {name: t}\nbuffer: {zz_unknown: 1}\n"), schema_keys(schema["properties"]["buffer"]));
    EXPECT_EQ(loader_known_keys("tool: {name: t}\nspill: {zz_unknown: 1}\n"), schema_keys(schema["properties"]["spill"]));
    EXPECT_EQ(loader_known_keys("tool: {name: t}\ndeletion: {zz_unknown: 1}\n"),
              schema_keys(schema["properties"]["deletion"]));
    // Every top-level key is closed except the backend blocks and metadata.
    for (const char* closed : {"tool", "buffer", "spill", "deletion"})
        EXPECT_EQ(schema["properties"][closed]["additionalProperties"], false) << closed;
}

// JSON is YAML: each sample goes to the loader and the schema as is, and both must agree.
TEST(ConfigSchema, SchemaAndLoaderAgreeOnSampleDocuments) {
    const char* samples[] = {
        R"({"tool": {"name": "t"}})",
        R"({"tool": {"name": "t", "version": "1.0"}, "enabled": false, "force_enabled": true})",
        R"({"tool": {"name": "t"}, "delivery_mode": "at_most_once", "plugin_dirs": ["a", "/b"]})",
        R"({"tool": {"name": "t"}, "buffer": {"max_events": 1}, "spill": {"max_files": 1, "max_bytes": 1}})",
        R"({"tool": {"name": "t"}, "exit_budget_ms": 0, "flush_timeout_ms": 1, "data_dir": ""})",
        R"({"tool": {"name": "t"}, "exit_delivery": "background"})",
        R"({"tool": {"name": "t"}, "exit_delivery": "later"})",
        R"({"tool": {"name": "t"}, "metadata": {"a": "b", "n": 1}, "metadata_typo": 1})",
        R"({"tool": {"name": "t"}, "deletion": {"email": "a@b.c", "endpoint": "https://x/y"}})",
        R"({"tool": {"name": "t"}, "backends": [{"plugin": "file", "path": "x"}, {"plugin": "http", "id": "h"}]})",
        R"({"tool": {"name": "t"}, "backends": [{"plugin": "otlp", "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]})",
        R"({})",
        R"({"tool": {}})",
        R"({"tool": {"name": ""}})",
        R"({"tool": {"name": "t"}, "colour": "blue"})",
        R"({"tool": {"name": "t", "nmae": "x"}})",
        R"({"tool": {"name": "t"}, "enabled": "yes"})",
        R"({"tool": {"name": "t"}, "delivery_mode": "at_least_one"})",
        R"({"tool": {"name": "t"}, "plugin_dirs": "/one"})",
        R"({"tool": {"name": "t"}, "plugin_dirs": [""]})",
        R"({"tool": {"name": "t"}, "buffer": {"max_events": 0}})",
        R"({"tool": {"name": "t"}, "spill": {"max_files": -1}})",
        R"({"tool": {"name": "t"}, "spill": {"max_bytes": "lots"}})",
        R"({"tool": {"name": "t"}, "exit_budget_ms": -1})",
        R"({"tool": {"name": "t"}, "flush_timeout_ms": 0})",
        R"({"tool": {"name": "t"}, "metadata": {"k": [1]}})",
        R"({"tool": {"name": "t"}, "deletion": {"email": "nobody"}})",
        R"({"tool": {"name": "t"}, "deletion": {"email": "a@b.c?cc=d@e.f"}})",
        R"({"tool": {"name": "t"}, "deletion": {"endpoint": "ftp://x"}})",
        R"({"tool": {"name": "t"}, "deletion": {"fax": "1"}})",
        R"({"tool": {"name": "t"}, "backends": {"plugin": "http"}})",
        R"({"tool": {"name": "t"}, "backends": ["http"]})",
        R"({"tool": {"name": "t"}, "backends": [{"id": "x"}]})",
        R"({"tool": {"name": "t"}, "backends": [{"plugin": "../evil"}]})",
        R"({"tool": {"name": "t"}, "backends": [{"plugin": "http", "sha256": "abc"}]})",
        R"({"tool": {"name": "t"}, "backends": [{"plugin": "http", "id": ""}]})",
    };
    for (const char* sample : samples) {
        bool loader_accepts = true;
        std::string loader_says;
        try {
            overt::parse_config(sample, "sample.yaml");
        } catch (const overt::ConfigError& error) {
            loader_accepts = false;
            loader_says = error.what();
        }
        const auto errors = config_schema().validate(nlohmann::json::parse(sample));
        EXPECT_EQ(loader_accepts, errors.empty())
            << sample << "\n  loader: " << (loader_accepts ? "ok" : loader_says)
            << "\n  schema: " << (errors.empty() ? "ok" : errors.front().to_string());
    }
}

// The sample documents every key: each property of the schema appears in it.
TEST(ConfigSchema, ShippedSampleUsesEveryKey) {
    const YAML::Node sample = YAML::LoadFile(OVERT_SAMPLE_CONFIG);
    const auto& schema = config_schema().document();
    for (const auto& [key, property] : schema["properties"].items()) {
        EXPECT_TRUE(sample[key]) << key;
        if (!property.contains("properties") || !sample[key]) continue;
        for (const auto& [field, ignored] : property["properties"].items()) {
            EXPECT_TRUE(sample[key][field]) << key << "." << field;
        }
    }
}

TEST_F(ValidateTest, ShippedSampleIsValidIncludingItsPlugins) {
    const auto problems = overt::validate_config_file(OVERT_SAMPLE_CONFIG);
    for (const auto& problem : problems) ADD_FAILURE() << problem.to_string();
}

struct BadCase {
    const char* yaml;
    int line;
    const char* key;
    const char* problem;
};

TEST_F(ValidateTest, EachProblemNamesItsLineAndKey) {
    const BadCase cases[] = {
        {"enabled: true\n", 1, "tool", "is required"},
        {"tool:\n  version: 1\n", 1, "tool.name", "is required"},
        {"tool: {name: t}\n\ncolour: blue\n", 3, "colour", "is not an allowed key"},
        {"tool:\n  name: t\n  nmae: x\n", 3, "tool.nmae", "is not an allowed key"},
        {"tool: {name: t}\nenabled: yes\n", 2, "enabled", "must be a boolean"},
        {"tool: {name: t}\ndelivery_mode: at_least_one\n", 2, "delivery_mode", "must be one of"},
        {"tool: {name: t}\nbuffer:\n  max_events: 0\n", 3, "buffer.max_events", ">= 1"},
        {"tool: {name: t}\nspill:\n  max_files: 2\n  max_bytes: -4\n", 4, "spill.max_bytes", ">= 1"},
        {"tool: {name: t}\nexit_budget_ms: -1\n", 2, "exit_budget_ms", ">= 0"},
        {"tool: {name: t}\nplugin_dirs:\n  - a\n  - ''\n", 4, "plugin_dirs[1]", "at least 1"},
        {"tool: {name: t}\nmetadata:\n  ok: x\n  bad: {a: b}\n", 4, "metadata.bad", "must be"},
        {"tool: {name: t}\ndeletion:\n  endpoint: ftp://x\n", 3, "deletion.endpoint", "must match"},
        {"tool: {name: t}\nbackends:\n  - plugin: file\n    path: x\n  - id: y\n", 5, "backends[1].plugin", "is required"},
        {"tool: {name: t}\nbackends:\n  - plugin: file\n    sha256: nothex\n", 4, "backends[0].sha256", "must match"},
        // Only the loader can see these.
        {"tool: {name: t}\nbackends:\n  - plugin: file\n    path: a\n  - plugin: file\n    path: b\n", 5,
         "backends[1].plugin", "duplicate backend id 'file'"},
        {"tool: {name: t}\ndata_dir: ${OVERT_TEST_SURELY_UNSET}\n", 2, "data_dir", "OVERT_TEST_SURELY_UNSET is not set"},
        {"tool: {name: t\n", 2, "", "not valid YAML"},
    };
    for (const auto& bad : cases) {
        const std::string path = write(bad.yaml);
        const auto problems = overt::validate_config_file(path, false);
        const bool found = std::any_of(problems.begin(), problems.end(), [&](const overt::ConfigProblem& problem) {
            return problem.file == path && problem.line == bad.line && problem.key == bad.key &&
                   problem.problem.find(bad.problem) != std::string::npos;
        });
        std::string all;
        for (const auto& problem : problems) all += "\n  " + problem.to_string();
        EXPECT_TRUE(found) << bad.yaml << "expected " << bad.line << " " << bad.key << ": " << bad.problem << "; got" << all;
    }
}

TEST_F(ValidateTest, ProblemTextReadsFileLineKeyProblem) {
    const std::string path = write("tool: {name: t}\nbuffer: {max_events: 0}\n");
    const auto problems = overt::validate_config_file(path, false);
    ASSERT_EQ(problems.size(), 1u);  // schema and loader found the same thing: reported once
    EXPECT_EQ(problems[0].to_string(), path + ":2: buffer.max_events: must be >= 1");
}

TEST_F(ValidateTest, AllSchemaProblemsAreReportedInLineOrder) {
    const std::string path = write("tool: {name: t}\nenabled: 3\ndelivery_mode: x\nspill: {max_files: 0}\n");
    const auto problems = overt::validate_config_file(path, false);
    ASSERT_GE(problems.size(), 3u);
    EXPECT_EQ(problems[0].key, "enabled");
    EXPECT_EQ(problems[1].key, "delivery_mode");
    EXPECT_EQ(problems[2].key, "spill.max_files");
}

TEST_F(ValidateTest, EnvironmentIsExpandedBeforeTheSchema) {
    ScopedEnv budget("OVERT_TEST_BUDGET", "250");
    const std::string path = write("tool: {name: t}\nexit_budget_ms: ${OVERT_TEST_BUDGET}\nflush_timeout_ms: ${OVERT_TEST_UNSET_X:-900}\n");
    const auto problems = overt::validate_config_file(path, false);
    for (const auto& problem : problems) ADD_FAILURE() << problem.to_string();
}

TEST_F(ValidateTest, MissingPluginNamesFileLineAndKey) {
    const std::string path = write("tool: {name: t}\nbackends:\n  - plugin: file\n    path: x\n  - plugin: nosuch\n");
    const auto problems = overt::validate_config_file(path);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].line, 5);
    EXPECT_EQ(problems[0].key, "backends[1].plugin");
    EXPECT_THAT(problems[0].problem, HasSubstr("plugin 'nosuch' not found"));
    EXPECT_THAT(problems[0].problem, HasSubstr(OVERT_TEST_PLUGIN_DIR));
}

TEST_F(ValidateTest, BackendBlockIsCheckedAgainstThePluginsSchema) {
    const std::string path = write(
        "tool: {name: t}\nbackends:\n  - plugin: otlp\n    endpoint: 5\n    protocl: grpc\n  - plugin: file\n    id: f\n");
    const auto problems = overt::validate_config_file(path);
    std::string all;
    for (const auto& problem : problems) all += "\n  " + problem.to_string();
    auto has = [&](int line, const std::string& key, const std::string& text) {
        return std::any_of(problems.begin(), problems.end(), [&](const overt::ConfigProblem& problem) {
            return problem.line == line && problem.key == key && problem.problem.find(text) != std::string::npos;
        });
    };
    EXPECT_TRUE(has(4, "backends[0].endpoint", "must be a string")) << all;
    EXPECT_TRUE(has(5, "backends[0].protocl", "is not an allowed key")) << all;
    EXPECT_TRUE(has(6, "backends[1].path", "is required")) << all;
    // Plugin checks are skipped on request.
    EXPECT_TRUE(overt::validate_config_file(path, false).empty());
}

TEST_F(ValidateTest, UnreadableFileIsOneProblem) {
    const auto problems = overt::validate_config_file(dir_.str() + "/missing.yaml");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_THAT(problems[0].to_string(), HasSubstr("missing.yaml: cannot read"));
}

}  // namespace

namespace {

TEST_F(ValidateTest, Sha256PinIsComparedWithThePluginFile) {
    const std::string wrong(64, 'a');
    const std::string path = write("tool: {name: t}\nbackends:\n  - plugin: file\n    path: x\n    sha256: " + wrong + "\n");
    const auto problems = overt::validate_config_file(path);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].line, 5);
    EXPECT_EQ(problems[0].key, "backends[0].sha256");
    EXPECT_THAT(problems[0].problem, HasSubstr("does not match"));
    // The right pin (as the error reports it, in upper case too) passes.
    const std::string reported = problems[0].problem;
    const size_t at = reported.find("SHA-256 is ");
    ASSERT_NE(at, std::string::npos);
    std::string actual = reported.substr(at + 11, 64);
    std::transform(actual.begin(), actual.end(), actual.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const std::string good = write("tool: {name: t}\nbackends:\n  - plugin: file\n    path: x\n    sha256: " + actual + "\n");
    const auto none = overt::validate_config_file(good);
    for (const auto& problem : none) ADD_FAILURE() << problem.to_string();
}

}  // namespace
