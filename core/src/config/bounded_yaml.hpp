// SPDX-License-Identifier: MIT
// Reading and parsing overt.yaml within fixed limits, so a hostile file (an alias bomb, a huge
// or deeply nested document, NUL bytes, broken UTF-8) ends in a ConfigError, never in
// exhausted memory or time. Shared by the loader and the validator. Internal to libovert.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

namespace overt::config {

// A real overt.yaml is a few KiB with well under a hundred nodes; these leave ample room.
inline constexpr size_t kMaxConfigBytes = 1u << 20;      // the whole file: 1 MiB
inline constexpr size_t kMaxConfigNodes = 10000;         // nodes, each alias counting its whole target
inline constexpr size_t kMaxConfigDepth = 64;            // nested lists and maps
inline constexpr size_t kMaxConfigScalarBytes = 64u << 10;  // one key or value: 64 KiB
inline constexpr size_t kMaxMetadataEntries = 1000;
inline constexpr size_t kMaxBackends = 64;

// The file's bytes; a ConfigError (naming the limit) when it is larger than kMaxConfigBytes.
// Reads at most the limit and one byte, whatever the file claims to be.
std::string read_config_text(const std::string& path);

// The first document of text, after checking the bytes (size, NUL, UTF-8) and the document's
// shape (nodes, depth, alias expansion, scalar length) in one pass over its events, before any
// node tree is built. Every failure, yaml-cpp's own included, is a ConfigError naming source.
YAML::Node load_bounded_yaml(const std::string& text, const std::string& source);

}  // namespace overt::config
