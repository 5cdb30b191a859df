// SPDX-License-Identifier: MIT
// libFuzzer: the JSON Schema validator. The input is a schema and an instance separated by
// the first NUL byte; an unusable schema must be refused with InvalidSchema, never crash.
#include "schema/json_schema.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const size_t split = input.find('\0');
    const std::string_view schema_text = input.substr(0, split);
    const std::string_view instance_text = split == std::string_view::npos ? std::string_view("null") : input.substr(split + 1);
    try {
        const auto schema = overt::schema::JsonSchema::parse(schema_text);
        const auto instance = nlohmann::json::parse(instance_text, nullptr, /*allow_exceptions=*/false);
        if (instance.is_discarded()) return 0;
        for (const auto& error : schema.validate(instance))
            if (error.message.empty()) __builtin_trap();  // every violation says what is wrong
    } catch (const overt::schema::InvalidSchema&) {
    }
    return 0;
}
