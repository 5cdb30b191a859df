// SPDX-License-Identifier: MIT
#include "config/env_expand.hpp"

#include "support/mask_secrets.hpp"

#include <cstdlib>

namespace overt::config {
namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
}

bool expand_env(std::string_view text, const EnvLookup& lookup, std::string& out, ExpandError& error) {
    out.clear();
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '$' || i + 1 == text.size()) {
            out += text[i];
            continue;
        }
        if (text[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        if (text[i + 1] != '{') {
            out += '$';
            continue;
        }
        const size_t close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
            error.problem = "unterminated '${' in \"" + std::string(text) + "\"";
            return false;
        }
        std::string_view reference = text.substr(i + 2, close - i - 2);
        std::string_view name = reference;
        std::optional<std::string_view> fallback;
        if (size_t dash = reference.find(":-"); dash != std::string_view::npos) {
            name = reference.substr(0, dash);
            fallback = reference.substr(dash + 2);
        }
        bool valid = !name.empty() && is_name_start(name.front());
        for (char c : name) valid = valid && is_name_char(c);
        if (!valid) {
            error.problem = "'${" + std::string(reference) + "}' is not a valid variable reference (use ${NAME} or ${NAME:-default}; $$ for a literal $)";
            return false;
        }
        std::optional<std::string> value = lookup(std::string(name));
        if (fallback && (!value || value->empty())) {
            out += *fallback;
        } else if (value) {
            // Whatever came from the environment is masked in messages from now on.
            support::add_masked_value(*value);
            out += *value;
        } else {
            error.problem = "environment variable " + std::string(name) + " is not set (use ${" + std::string(name) +
                            ":-default} to give a default)";
            return false;
        }
        i = close;
    }
    return true;
}

}  // namespace overt::config
