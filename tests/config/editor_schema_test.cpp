// SPDX-License-Identifier: MIT
// The schema editors get (overt config schema): ${VAR} wherever overt expands one, and with the
// plugins' schemas a backend block's own keys checked.
#include <overt/plugins.hpp>

#include "schema/json_schema.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using Json = nlohmann::json;

std::vector<std::string> problems(const std::string& schema_text, const Json& document) {
    const auto schema = overt::schema::JsonSchema::parse(schema_text);
    std::vector<std::string> out;
    for (const auto& error : schema.validate(document)) out.push_back(error.to_string());
    return out;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

overt::PluginInfo file_plugin() {
    overt::PluginInfo plugin;
    plugin.name = "file";
    plugin.config_schema = R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
        "additionalProperties":false,"required":["path"],
        "properties":{"path":{"$ref":"#/definitions/path"},"max_bytes":{"type":"integer","minimum":1},
                      "mode":{"enum":["append","truncate"]}},
        "definitions":{"path":{"type":"string","minLength":1}}})";
    return plugin;
}

TEST(EditorSchema, NumbersBooleansAndEnumsMayBeVariableReferences) {
    const std::string schema = overt::editor_config_schema();
    const Json with_references = {{"tool", {{"name", "t"}}},
                                  {"exit_budget_ms", "${BUDGET:-200}"},
                                  {"enabled", "${TOOL_ENABLED}"},
                                  {"exit_delivery", "${DELIVERY:-inline}"},
                                  {"buffer", {{"max_events", "${EVENTS}"}}}};
    EXPECT_TRUE(problems(schema, with_references).empty()) << joined(problems(schema, with_references));

    // Values that are neither the type nor a reference are still refused, each where it is.
    const Json wrong = {{"tool", {{"name", "t"}}}, {"exit_budget_ms", "soon"}, {"enabled", "maybe"},
                        {"exit_delivery", "later"}, {"buffer", {{"max_events", 0}}}};
    const std::string found = joined(problems(schema, wrong));
    for (const char* path : {"/exit_budget_ms", "/enabled", "/exit_delivery", "/buffer/max_events"})
        EXPECT_NE(found.find(path), std::string::npos) << path << " in\n" << found;
}

TEST(EditorSchema, TheExpandedSchemaStaysStrict) {
    const Json with_reference = {{"tool", {{"name", "t"}}}, {"exit_budget_ms", "${BUDGET:-200}"}};
    EXPECT_FALSE(problems(std::string(overt::config_schema()), with_reference).empty());
}

TEST(EditorSchema, WithPluginsAMisspeltBackendKeyIsShown) {
    const std::string schema = overt::editor_config_schema({file_plugin()});
    const Json typo = {{"tool", {{"name", "t"}}}, {"backends", {{{"plugin", "file"}, {"pth", "/tmp/x"}}}}};
    const std::string found = joined(problems(schema, typo));
    EXPECT_NE(found.find("/backends/0"), std::string::npos) << found;
    EXPECT_NE(found.find("pth"), std::string::npos) << found;

    // The plugin's keys (its own $refs resolved), the keys every block has, and ${VAR} values.
    const Json good = {{"tool", {{"name", "t"}}},
                       {"backends",
                        {{{"plugin", "file"}, {"id", "local"}, {"path", "/tmp/x"}, {"max_bytes", "${MAX:-10}"},
                          {"mode", "append"}}}}};
    EXPECT_TRUE(problems(schema, good).empty()) << joined(problems(schema, good));
    const Json bad_type = {{"tool", {{"name", "t"}}}, {"backends", {{{"plugin", "file"}, {"path", ""}}}}};
    EXPECT_FALSE(problems(schema, bad_type).empty());

    // A plugin the editor schema does not know keeps the open block.
    const Json other = {{"tool", {{"name", "t"}}}, {"backends", {{{"plugin", "vendor"}, {"anything", 1}}}}};
    EXPECT_TRUE(problems(schema, other).empty()) << joined(problems(schema, other));
}

TEST(EditorSchema, APluginWithoutAUsableSchemaKeepsTheOpenBlock) {
    overt::PluginInfo broken;
    broken.name = "broken";
    broken.config_schema = "{ not json";
    const std::string schema = overt::editor_config_schema({broken});
    const Json block = {{"tool", {{"name", "t"}}}, {"backends", {{{"plugin", "broken"}, {"anything", 1}}}}};
    EXPECT_TRUE(problems(schema, block).empty()) << joined(problems(schema, block));
}

}  // namespace
