// SPDX-License-Identifier: MIT
// ${VAR} and ${VAR:-default} expansion for config values. Internal to libovert.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace overt::config {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

struct ExpandError {
    std::string problem;  // e.g. "environment variable OTLP_TOKEN is not set"
};

// "$$" is a literal '$'; a '$' followed by anything but '{' or '$' is kept as is.
// ${VAR:-default} takes the default when VAR is unset or empty. Returns false with `error`
// filled for an unset variable without default or a malformed reference.
bool expand_env(std::string_view text, const EnvLookup& lookup, std::string& out, ExpandError& error);

// The process environment.
std::optional<std::string> process_env(const std::string& name);

}  // namespace overt::config
