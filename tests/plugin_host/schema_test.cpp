// SPDX-License-Identifier: MIT
// The JSON Schema validator's own behaviour: paths and messages a config author reads.
#include "schema/json_schema.hpp"

#include <gtest/gtest.h>

using overt::schema::InvalidSchema;
using overt::schema::JsonSchema;
using nlohmann::json;

namespace {

std::vector<std::string> errors_of(const JsonSchema& schema, const json& instance) {
    std::vector<std::string> out;
    for (const auto& e : schema.validate(instance)) out.push_back(e.to_string());
    return out;
}

const char* kBackendSchema = R"({
  "type": "object",
  "properties": {
    "endpoint": {"type": "string", "format": "uri"},
    "timeout_ms": {"type": "integer", "minimum": 1, "maximum": 60000},
    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
    "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 2},
    "mode": {"enum": ["a", "b"]}
  },
  "required": ["endpoint"],
  "additionalProperties": false
})";

}  // namespace

TEST(JsonSchema, ValidConfigHasNoErrors) {
    auto schema = JsonSchema::parse(kBackendSchema);
    EXPECT_TRUE(schema.is_valid(json::parse(R"({"endpoint": "https://collector.example:4318/v1", "timeout_ms": 500,
        "headers": {"A": "b"}, "tags": ["x"], "mode": "a"})")));
}

TEST(JsonSchema, EveryViolationIsListedWithItsPointer) {
    auto schema = JsonSchema::parse(kBackendSchema);
    auto errors = errors_of(schema, json::parse(R"({"endpoint": 5, "timeout_ms": 0, "headers": {"A": 1},
        "tags": ["", "y", "z"], "mode": "c", "extra": true})"));
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "/endpoint: must be a string",
                          "/extra: is not an allowed key (known keys: endpoint, headers, mode, tags, timeout_ms)",
                          "/headers/A: must be a string",
                          "/mode: must be one of: \"a\", \"b\"",
                          "/tags: must have at most 2 items",
                          "/tags/0: must be at least 1 characters long",
                          "/timeout_ms: must be >= 1",
                      }));
}

TEST(JsonSchema, MissingRequiredKeyNamesTheKey) {
    auto schema = JsonSchema::parse(kBackendSchema);
    EXPECT_EQ(errors_of(schema, json::object()), std::vector<std::string>{"/endpoint: is required"});
    EXPECT_EQ(errors_of(schema, json::array()), std::vector<std::string>{"(root): must be an object"});
}

TEST(JsonSchema, UriFormatWantsHttpWithHost) {
    auto schema = JsonSchema::parse(R"({"type": "string", "format": "uri"})");
    for (const char* ok : {"http://h", "https://user:pw@host:8080/p?q#f", "HTTPS://[::1]:4318"})
        EXPECT_TRUE(schema.is_valid(ok)) << ok;
    for (const char* bad : {"ftp://h", "https://", "https://:80", "host:80", "https://h:x", "http://a b", "https://h:"})
        EXPECT_FALSE(schema.is_valid(bad)) << bad;
}

TEST(JsonSchema, TypeArraysReadNaturally) {
    auto schema = JsonSchema::parse(R"({"type": ["string", "integer", "null"]})");
    EXPECT_TRUE(schema.is_valid(nullptr));
    EXPECT_TRUE(schema.is_valid(2.0));
    EXPECT_EQ(errors_of(schema, 2.5), std::vector<std::string>{"(root): must be a string, an integer or null"});
}

TEST(JsonSchema, LocalRefsResolveThroughDefsAndDefinitions) {
    auto schema = JsonSchema::parse(R"({
      "$defs": {"port": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 65536}},
      "definitions": {"list": {"type": "array", "items": {"$ref": "#/$defs/port"}, "minItems": 1}},
      "properties": {"ports": {"$ref": "#/definitions/list"}}
    })");
    EXPECT_TRUE(schema.is_valid(json::parse(R"({"ports": [80, 443]})")));
    EXPECT_EQ(errors_of(schema, json::parse(R"({"ports": [80, 0, 70000]})")),
              (std::vector<std::string>{"/ports/1: must be > 0", "/ports/2: must be < 65536"}));
    EXPECT_EQ(errors_of(schema, json::parse(R"({"ports": []})")),
              std::vector<std::string>{"/ports: must have at least 1 items"});
}

TEST(JsonSchema, CombinatorsExplainTheirBranches) {
    auto schema = JsonSchema::parse(R"({"oneOf": [{"type": "string"}, {"type": "integer", "minimum": 10}]})");
    EXPECT_TRUE(schema.is_valid("x"));
    auto errors = errors_of(schema, 3);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("[2] (root): must be >= 10"), std::string::npos) << errors[0];
    auto negated = JsonSchema::parse(R"({"not": {"const": "forbidden"}})");
    EXPECT_TRUE(negated.is_valid("fine"));
    EXPECT_FALSE(negated.is_valid("forbidden"));
}

TEST(JsonSchema, PatternPropertiesAndPattern) {
    auto schema = JsonSchema::parse(R"({"type": "object", "patternProperties": {"^x-": {"pattern": "^[a-z]+$"}},
        "additionalProperties": false})");
    EXPECT_TRUE(schema.is_valid(json::parse(R"({"x-a": "abc"})")));
    EXPECT_EQ(errors_of(schema, json::parse(R"({"x-a": "ABC", "y": 1})")),
              (std::vector<std::string>{"/x-a: must match the pattern \"^[a-z]+$\"", "/y: is not an allowed key"}));
}

TEST(JsonSchema, PointerTokensAreEscaped) {
    auto schema = JsonSchema::parse(R"({"properties": {"a/b~c": {"type": "string"}}})");
    EXPECT_EQ(errors_of(schema, json::parse(R"({"a/b~c": 1})")), std::vector<std::string>{"/a~1b~0c: must be a string"});
}

TEST(JsonSchema, UnusableSchemasAreRejectedWithTheLocation) {
    EXPECT_THROW(JsonSchema::parse("{not json"), InvalidSchema);
    try {
        JsonSchema::parse(R"({"properties": {"a": {"pattern": "("}}})");
        FAIL() << "bad regex accepted";
    } catch (const InvalidSchema& e) {
        EXPECT_NE(std::string(e.what()).find("#/properties/a/pattern"), std::string::npos) << e.what();
    }
    EXPECT_THROW(JsonSchema::parse(R"({"$ref": "#/definitions/missing"})"), InvalidSchema);
    EXPECT_THROW(JsonSchema::parse(R"({"$ref": "http://example.com/schema"})"), InvalidSchema);
    EXPECT_THROW(JsonSchema::parse(R"({"type": "strnig"})"), InvalidSchema);
}

// Every draft-07 validation keyword is checked, with a message naming what is wrong; none is
// silently skipped (tags: [a, a] under uniqueItems used to validate).
TEST(JsonSchema, TheRestOfDraft07IsCheckedWithReadableMessages) {
    const auto tags = JsonSchema::parse(R"({"properties": {"tags": {"type": "array", "uniqueItems": true,
        "contains": {"const": "team:cli"}}}})");
    EXPECT_EQ(errors_of(tags, json::parse(R"({"tags": ["a", "a"]})")),
              (std::vector<std::string>{"/tags: must not repeat an item (\"a\" appears twice)",
                                        "/tags: must contain at least one item matching \"contains\""}));
    EXPECT_TRUE(errors_of(tags, json::parse(R"({"tags": ["a", "team:cli"]})")).empty());

    const auto object = JsonSchema::parse(R"({"minProperties": 1, "maxProperties": 2,
        "propertyNames": {"pattern": "^[a-z_]+$"}, "dependencies": {"user": ["password"], "tls": {"required": ["ca"]}}})");
    EXPECT_EQ(errors_of(object, json::parse("{}")), (std::vector<std::string>{"(root): must have at least 1 keys"}));
    EXPECT_EQ(errors_of(object, json::parse(R"({"Bad-Key": 1})")),
              (std::vector<std::string>{"/Bad-Key: is not an allowed key name (must match the pattern \"^[a-z_]+$\")"}));
    EXPECT_EQ(errors_of(object, json::parse(R"({"user": "u"})")),
              (std::vector<std::string>{"/password: is required when \"user\" is set"}));
    EXPECT_EQ(errors_of(object, json::parse(R"({"tls": true})")), (std::vector<std::string>{"/ca: is required"}));
    EXPECT_EQ(errors_of(object, json::parse(R"({"a": 1, "b": 2, "c": 3})")), (std::vector<std::string>{"(root): must have at most 2 keys"}));

    const auto conditional = JsonSchema::parse(R"({"if": {"required": ["protocol"], "properties": {"protocol": {"const": "http/json"}}},
        "then": {"required": ["endpoint"]}, "else": {"properties": {"gzip": {"const": true}}},
        "properties": {"batch": {"multipleOf": 0.5}}})");
    EXPECT_EQ(errors_of(conditional, json::parse(R"({"protocol": "http/json"})")), (std::vector<std::string>{"/endpoint: is required"}));
    EXPECT_EQ(errors_of(conditional, json::parse(R"({"gzip": false})")), (std::vector<std::string>{"/gzip: must be true"}));
    EXPECT_EQ(errors_of(conditional, json::parse(R"({"gzip": true, "batch": 1.25})")),
              (std::vector<std::string>{"/batch: must be a multiple of 0.5"}));
}

// A later draft's keyword would be ignored as unknown, so the schema is refused instead.
TEST(JsonSchema, LaterDraftKeywordsAreRefusedNotIgnored) {
    for (const char* schema : {R"({"dependentRequired": {"a": ["b"]}})", R"({"prefixItems": [true]})",
                               R"({"properties": {"x": {"unevaluatedProperties": false}}})"}) {
        try {
            JsonSchema::parse(schema);
            ADD_FAILURE() << "accepted " << schema;
        } catch (const InvalidSchema& e) {
            EXPECT_NE(std::string(e.what()).find("is not a draft-07 keyword"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(JsonSchema::parse(R"({"multipleOf": 0})"), InvalidSchema);
}

TEST(JsonSchema, RefLoopsEndWithAnErrorInsteadOfACrash) {
    auto schema = JsonSchema::parse(R"({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
        "$ref": "#/definitions/a"})");
    auto errors = errors_of(schema, 1);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("too deep"), std::string::npos);
}
