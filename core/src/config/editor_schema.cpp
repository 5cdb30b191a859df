// SPDX-License-Identifier: MIT
// overt.yaml's JSON Schema as an editor needs it. overt expands ${VAR} before it checks a value,
// so an editor, which sees the text, must accept a reference wherever a number, boolean or
// enum is expected; and with the plugins' own schemas a backend block's keys are checked too.
#include <overt/plugins.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace overt {
namespace {

using Json = nlohmann::json;

constexpr const char* kEnvReference = "#/definitions/env_reference";
constexpr int kMaxDepth = 64;  // schemas nest far less; deeper ones are left as they are

bool is_non_string_scalar(const Json& type) {
    return type == "integer" || type == "number" || type == "boolean" || type == "null";
}

// A scalar schema whose values cannot be strings (or only the listed ones): a ${VAR} written in
// the file would be refused, though overt accepts it.
bool refuses_references(const Json& schema) {
    if (schema.contains("enum") || schema.contains("const")) return true;
    if (!schema.contains("type")) return false;
    const Json& type = schema["type"];
    if (type.is_string()) return is_non_string_scalar(type);
    if (!type.is_array() || type.empty()) return false;
    for (const Json& one : type)
        if (!is_non_string_scalar(one)) return false;
    return true;
}

void accept_references(Json& schema, int depth) {
    if (!schema.is_object() || depth > kMaxDepth) return;
    for (const char* key : {"properties", "patternProperties", "definitions", "$defs", "dependencies"})
        if (schema.contains(key) && schema[key].is_object())
            for (auto& [name, sub] : schema[key].items()) accept_references(sub, depth + 1);
    for (const char* key : {"additionalProperties", "additionalItems", "contains", "not", "if", "then", "else"})
        if (schema.contains(key)) accept_references(schema[key], depth + 1);
    if (schema.contains("items")) {
        if (schema["items"].is_array())
            for (Json& sub : schema["items"]) accept_references(sub, depth + 1);
        else
            accept_references(schema["items"], depth + 1);
    }
    for (const char* key : {"anyOf", "oneOf", "allOf"})
        if (schema.contains(key) && schema[key].is_array())
            for (Json& sub : schema[key]) accept_references(sub, depth + 1);
    if (!refuses_references(schema)) return;
    // {value checks} becomes {"anyOf": [{value checks}, ${VAR}]}, the annotations kept outside.
    Json annotations = Json::object();
    for (const char* key : {"description", "default", "title", "examples"}) {
        if (!schema.contains(key)) continue;
        annotations[key] = schema[key];
        schema.erase(key);
    }
    Json wrapped = annotations;
    wrapped["anyOf"] = Json::array({schema, Json{{"$ref", kEnvReference}}});
    schema = std::move(wrapped);
}

// A plugin's local "$ref": "#/..." points into its own document, which now sits at `base`.
void rebase_references(Json& schema, const std::string& base, int depth) {
    if (depth > kMaxDepth) return;
    if (schema.is_object()) {
        for (auto& [key, value] : schema.items()) {
            if (key == "$ref" && value.is_string()) {
                const std::string ref = value.get<std::string>();
                if (ref == "#") value = base;
                else if (ref.rfind("#/", 0) == 0) value = base + ref.substr(1);
            } else {
                rebase_references(value, base, depth + 1);
            }
        }
    } else if (schema.is_array()) {
        for (Json& value : schema) rebase_references(value, base, depth + 1);
    }
}

}  // namespace

std::string editor_config_schema(const std::vector<PluginInfo>& plugins) {
    Json schema = Json::parse(config_schema());
    accept_references(schema, 0);
    Json& definitions = schema["definitions"];
    Json& backend = definitions["backend"];
    Json branches = Json::array();
    for (const PluginInfo& plugin : plugins) {
        Json own = Json::parse(plugin.config_schema, nullptr, /*allow_exceptions=*/false);
        if (own.is_discarded() || !own.is_object()) continue;  // plugins without a usable schema keep the open block
        const std::string name = "plugin_" + plugin.name;
        rebase_references(own, "#/definitions/" + name, 0);
        accept_references(own, 0);  // after the rebase: the env_reference is the root's
        own.erase("$schema");
        own.erase("$id");
        // The block holds the keys every backend has beside the plugin's own settings.
        if (!own.contains("properties") || !own["properties"].is_object()) own["properties"] = Json::object();
        for (auto& [key, value] : backend["properties"].items())
            if (!own["properties"].contains(key)) own["properties"][key] = value;
        definitions[name] = std::move(own);
        branches.push_back({{"if", {{"properties", {{"plugin", {{"const", plugin.name}}}}}, {"required", {"plugin"}}}},
                            {"then", {{"$ref", "#/definitions/" + name}}}});
    }
    // Added last: the plugin names they match are not values a ${VAR} may stand for.
    if (!branches.empty()) backend["allOf"] = std::move(branches);
    definitions["env_reference"] = {
        {"type", "string"},
        {"pattern", "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}"},
        {"description", "${VAR} or ${VAR:-default}: overt expands it before it checks the value"}};
    return schema.dump(2) + "\n";
}

}  // namespace overt
