// SPDX-License-Identifier: MIT
// How a YAML scalar becomes a JSON value, shared by the loader (backend settings) and the
// validator (the whole file), so both see the same types. Internal to libovert.
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <string>

namespace overt::config {

// Quoted ('...' or "...") or explicitly tagged !!str: always text.
bool is_quoted(const YAML::Node& node);

// YAML 1.2 core schema for a plain scalar's (already expanded) text: null, booleans, integers,
// floats; anything else is text.
nlohmann::json plain_scalar(const std::string& text);

// 1-based line of a node, 0 when it has none.
int line_of(const YAML::Node& node);

}  // namespace overt::config
