// SPDX-License-Identifier: MIT
// The official JSON-Schema-Test-Suite (Debian json-schema-test-suite), draft7, for the
// keywords the validator supports. A group is run when every keyword in its schema is one
// we implement (or a pure annotation); the test asserts how many groups that is per file,
// so the suite cannot silently shrink to nothing.
#include "schema/json_schema.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <ostream>
#include <set>
#include <string>

using nlohmann::json;

namespace {

const std::set<std::string> kSupported = {
    "type", "properties", "required", "additionalProperties", "patternProperties", "enum", "const", "items",
    "additionalItems", "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "pattern", "allOf", "anyOf", "oneOf", "not", "$ref", "definitions", "$defs",
    "multipleOf", "uniqueItems", "contains", "minProperties", "maxProperties", "propertyNames", "dependencies",
    "if", "then", "else",
    // annotations
    "$schema", "$comment", "title", "description", "default", "examples"};

// True when every keyword at every schema position is supported and every $ref is local.
bool supported(const json& schema) {
    if (schema.is_boolean()) return true;
    if (!schema.is_object()) return false;
    for (const auto& [key, value] : schema.items()) {
        if (!kSupported.count(key)) return false;
        if (key == "$ref" && (!value.is_string() || value.get<std::string>().rfind('#', 0) != 0)) return false;
        if (key == "properties" || key == "patternProperties" || key == "definitions" || key == "$defs") {
            for (const auto& [name, sub] : value.items())
                if (!supported(sub)) return false;
        } else if (key == "dependencies") {
            for (const auto& [name, sub] : value.items())
                if (!sub.is_array() && !supported(sub)) return false;
        } else if (key == "additionalProperties" || key == "additionalItems" || key == "not" || key == "contains" ||
                   key == "propertyNames" || key == "if" || key == "then" || key == "else") {
            if (!supported(value)) return false;
        } else if (key == "items") {
            if (value.is_array()) {
                for (const auto& sub : value)
                    if (!supported(sub)) return false;
            } else if (!supported(value)) {
                return false;
            }
        } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
            for (const auto& sub : value)
                if (!supported(sub)) return false;
        }
    }
    return true;
}

struct SuiteFile {
    const char* name;
    size_t min_groups;  // the groups of this file we expect to run
};

// Names the parameter in ctest's test list rather than dumping its bytes.
void PrintTo(const SuiteFile& file, std::ostream* out) { *out << file.name; }

class SchemaSuite : public testing::TestWithParam<SuiteFile> {};

TEST_P(SchemaSuite, Draft7) {
    const std::string path = std::string(JSON_SCHEMA_TEST_SUITE_DIR) + "/" + GetParam().name + ".json";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "missing " << path << " (packaging/install-deps.sh installs json-schema-test-suite)";
    const json groups = json::parse(in);
    size_t ran = 0;
    for (const auto& group : groups) {
        if (!supported(group["schema"])) continue;
        ++ran;
        const auto schema = overt::schema::JsonSchema(group["schema"]);
        for (const auto& test : group["tests"]) {
            const bool expected = test["valid"].get<bool>();
            EXPECT_EQ(schema.is_valid(test["data"]), expected)
                << GetParam().name << ": " << group["description"].get<std::string>() << " / "
                << test["description"].get<std::string>();
        }
    }
    EXPECT_GE(ran, GetParam().min_groups) << "fewer suite groups ran than expected";
}

INSTANTIATE_TEST_SUITE_P(
    Draft7, SchemaSuite,
    testing::Values(SuiteFile{"type", 8}, SuiteFile{"properties", 3}, SuiteFile{"required", 3},
                    SuiteFile{"additionalProperties", 5}, SuiteFile{"patternProperties", 4}, SuiteFile{"enum", 3},
                    SuiteFile{"const", 4}, SuiteFile{"items", 5}, SuiteFile{"additionalItems", 5},
                    SuiteFile{"minItems", 1}, SuiteFile{"maxItems", 1}, SuiteFile{"minimum", 1},
                    SuiteFile{"maximum", 1}, SuiteFile{"exclusiveMinimum", 1}, SuiteFile{"exclusiveMaximum", 1},
                    SuiteFile{"minLength", 1}, SuiteFile{"maxLength", 1}, SuiteFile{"pattern", 2},
                    SuiteFile{"allOf", 6}, SuiteFile{"anyOf", 6}, SuiteFile{"oneOf", 7}, SuiteFile{"not", 6},
                    SuiteFile{"ref", 8}, SuiteFile{"boolean_schema", 2}, SuiteFile{"multipleOf", 3},
                    SuiteFile{"uniqueItems", 1}, SuiteFile{"contains", 4}, SuiteFile{"minProperties", 1},
                    SuiteFile{"maxProperties", 1}, SuiteFile{"propertyNames", 3}, SuiteFile{"dependencies", 4},
                    SuiteFile{"if-then-else", 7}),
    [](const testing::TestParamInfo<SuiteFile>& info) {
        std::string name = info.param.name;
        std::replace(name.begin(), name.end(), '-', '_');  // gtest names: letters, digits, _
        return name;
    });

}  // namespace
