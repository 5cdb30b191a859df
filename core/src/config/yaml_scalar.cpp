// SPDX-License-Identifier: MIT
#include "config/yaml_scalar.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace overt::config {

bool is_quoted(const YAML::Node& node) { return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str"; }

int line_of(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    return mark.is_null() ? 0 : mark.line + 1;
}

nlohmann::json plain_scalar(const std::string& text) {
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    const char* end = text.data() + text.size();
    int64_t whole = 0;
    if (auto [stop, status] = std::from_chars(begin, end, whole); status == std::errc() && stop == end) return whole;
    // from_chars would also read "inf" and "nan"; YAML spells those .inf/.nan, which stay text.
    const bool numeric_shape = std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isdigit(c) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
    }) && std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
    double real = 0;
    if (numeric_shape) {
        if (auto [stop, status] = std::from_chars(begin, end, real); status == std::errc() && stop == end) return real;
    }
    return text;
}

}  // namespace overt::config
