// SPDX-License-Identifier: MIT
// A JSON Schema (draft-07 subset) validator for plugin config blocks and overt.yaml.
//
// Every draft-07 validation keyword: boolean schemas, type (incl. integer and arrays of
// types), properties, required, additionalProperties, patternProperties, propertyNames,
// minProperties/maxProperties, dependencies (lists and schemas), enum, const, items (schema
// or tuple), additionalItems, contains, uniqueItems, minItems/maxItems, minimum/maximum,
// exclusiveMinimum/exclusiveMaximum, multipleOf, minLength/maxLength (code points), pattern
// (ECMAScript), format "uri" (http/https with a host), allOf/anyOf/oneOf/not, if/then/else
// and local $ref ("#", "#/definitions/...", "#/$defs/..."). Other keywords are annotations,
// as draft-07 says of unknown keywords, except the validation keywords of later drafts
// (dependentRequired, prefixItems, unevaluatedProperties, ...): a schema using them is
// refused rather than half-checked.
// Internal to libovert.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace overt::schema {

// One violation: where in the instance (a JSON Pointer, "" for the root) and what is wrong.
struct SchemaError {
    std::string path;
    std::string message;

    // "/endpoint: must be a string"; the root reads "(root): ...".
    std::string to_string() const;
};

// The schema itself cannot be used (not JSON, a bad regex, a dangling $ref, ...).
class InvalidSchema : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

class JsonSchema {
   public:
    // Throws InvalidSchema naming the schema location of the problem.
    explicit JsonSchema(nlohmann::json schema);
    static JsonSchema parse(std::string_view schema_text);
    // Resolved $refs point into the document: copies would dangle, moves keep them valid.
    JsonSchema(const JsonSchema&) = delete;
    JsonSchema& operator=(const JsonSchema&) = delete;
    JsonSchema(JsonSchema&&) = default;
    JsonSchema& operator=(JsonSchema&&) = default;

    // Every violation, in document order; empty when the instance is valid.
    std::vector<SchemaError> validate(const nlohmann::json& instance) const;
    bool is_valid(const nlohmann::json& instance) const { return validate(instance).empty(); }

    const nlohmann::json& document() const noexcept { return schema_; }

   private:
    void compile(const nlohmann::json& schema, const std::string& where, int depth);
    void check(const nlohmann::json& schema, const nlohmann::json& instance, std::string& path,
               std::vector<SchemaError>& errors, int depth) const;
    void check_object(const nlohmann::json& schema, const nlohmann::json& instance, std::string& path,
                      std::vector<SchemaError>& errors, int depth) const;
    void check_array(const nlohmann::json& schema, const nlohmann::json& instance, std::string& path,
                     std::vector<SchemaError>& errors, int depth) const;
    void check_combinators(const nlohmann::json& schema, const nlohmann::json& instance, std::string& path,
                           std::vector<SchemaError>& errors, int depth) const;
    const nlohmann::json& resolve(const std::string& ref) const;
    const std::regex& regex_for(const std::string& pattern) const;

    nlohmann::json schema_;
    // Compiled once at construction: patterns and patternProperties keys; resolved $refs.
    std::map<std::string, std::regex, std::less<>> regexes_;
    std::map<std::string, const nlohmann::json*, std::less<>> refs_;
};

}  // namespace overt::schema
