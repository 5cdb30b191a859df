// SPDX-License-Identifier: MIT
// overt::config_schema_problems: the plugin-schema check, for callers outside libovert.
#include <overt/plugins.hpp>

#include <nlohmann/json.hpp>

#include "schema/json_schema.hpp"

namespace overt {

std::vector<std::string> config_schema_problems(std::string_view schema_json, std::string_view config_json) {
    std::vector<std::string> problems;
    nlohmann::json config = nlohmann::json::parse(config_json, nullptr, /*allow_exceptions=*/false);
    if (config.is_discarded()) {
        problems.push_back("the config is not JSON");
        return problems;
    }
    try {
        const schema::JsonSchema schema = schema::JsonSchema::parse(schema_json);
        for (const schema::SchemaError& error : schema.validate(config)) problems.push_back(error.to_string());
    } catch (const schema::InvalidSchema& e) {
        problems.push_back(std::string("the schema cannot be used: ") + e.what());
    }
    return problems;
}

}  // namespace overt
