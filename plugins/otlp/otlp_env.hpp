// SPDX-License-Identifier: MIT
// The OpenTelemetry exporter environment (OTEL_EXPORTER_OTLP_*, OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED) folded into the otlp backend's config block:
// a key the block sets wins, the environment fills what it leaves out, and every effective
// value remembers where it came from (for `overt status`; header values are never shown).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "network_config.hpp"

namespace overt::otlp {

// Looks a variable up; std::nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

struct ResolvedConfig {
    net::Json config;     // the block, with what the environment supplies filled in
    std::string url;      // where logs are POSTed
    bool disabled = false;  // OTEL_SDK_DISABLED=true: export nothing
    // (setting, where its value came from): "config", a variable's name, or "default".
    std::vector<std::pair<std::string, std::string>> sources;
    std::vector<std::string> warnings;  // values of the environment that were not used, and why

    // "endpoint: OTEL_EXPORTER_OTLP_ENDPOINT; headers: Authorization (OTEL_EXPORTER_OTLP_HEADERS); ..."
    std::string describe_sources() const;
};

// "<endpoint>/v1/logs" unless the path already ends so, the query kept, no fragment.
std::string logs_url(const std::string& endpoint);

// The spec's rules: OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is used as it is; /v1/logs is always
// appended to the path of OTEL_EXPORTER_OTLP_ENDPOINT; the block's `endpoint` gets logs_url().
// Signal-specific (_LOGS_) variables win over the generic ones. Headers from the environment
// (often credentials) are sent only to an endpoint that came from the environment too.
// Throws sdk::ConfigError when neither the block nor the environment names an endpoint (unless
// disabled).
ResolvedConfig resolve_config(net::Json config, const EnvLookup& env);

// W3C-baggage-style "k=v,k2=v2" (OTEL_*_HEADERS, OTEL_RESOURCE_ATTRIBUTES): keys and values
// trimmed, values percent-decoded. std::nullopt (the whole value discarded, as the spec asks)
// when an entry has no '=' or an empty key, or a value is badly percent-encoded.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_key_values(std::string_view text);

}  // namespace overt::otlp
