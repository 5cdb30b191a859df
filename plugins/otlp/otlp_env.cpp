// SPDX-License-Identifier: MIT
#include "otlp_env.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <variant>

namespace overt::otlp {
namespace {

using net::Json;

std::string trim(std::string_view text) {
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const size_t last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
        if (ec != std::errc() || end != text.data() + i + 3) return std::nullopt;
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && net::starts_with_ci(a, lower(std::string(b)));
}

// The first of the variables that is set and not empty: (name, value).
std::optional<std::pair<std::string, std::string>> first_set(const EnvLookup& env,
                                                              std::initializer_list<const char*> names) {
    for (const char* name : names) {
        if (auto value = env(name); value && !trim(*value).empty()) return std::make_pair(std::string(name), trim(*value));
    }
    return std::nullopt;
}

constexpr const char* kLogs = "OTEL_EXPORTER_OTLP_LOGS_";
constexpr const char* kAll = "OTEL_EXPORTER_OTLP_";

std::string logs_var(const char* suffix) { return std::string(kLogs) + suffix; }
std::string all_var(const char* suffix) { return std::string(kAll) + suffix; }

// A setting the block may set, else the _LOGS_ variable, else the generic one.
std::optional<std::pair<std::string, std::string>> from_env(const EnvLookup& env, const char* suffix) {
    const std::string logs = logs_var(suffix), all = all_var(suffix);
    return first_set(env, {logs.c_str(), all.c_str()});
}

constexpr std::string_view kLogsPath = "/v1/logs";

// A URL as its path (no trailing '/') and its "?query" ("" when none); a #fragment is dropped.
std::pair<std::string, std::string> split_query(const std::string& url) {
    const size_t path_end = url.find_first_of("?#");
    std::string path = url.substr(0, path_end);
    std::string query;
    if (path_end != std::string::npos && url[path_end] == '?')
        query = url.substr(path_end, url.find('#', path_end) - path_end);
    while (!path.empty() && path.back() == '/') path.pop_back();
    return {std::move(path), std::move(query)};
}

// "<base>/v1/logs" with the base's query kept (the spec appends to the path).
std::string append_signal_path(const std::string& base) {
    auto [path, query] = split_query(base);
    return path + std::string(kLogsPath) + query;
}

}  // namespace

EnvLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value) return std::nullopt;
        return std::string(value);
    };
}

std::string logs_url(const std::string& endpoint) {
    auto [path, query] = split_query(endpoint);
    if (!path.ends_with(kLogsPath)) path += kLogsPath;
    return path + query;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_key_values(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t at = 0;
    while (at <= text.size()) {
        const size_t comma = std::min(text.find(',', at), text.size());
        const std::string_view entry = text.substr(at, comma - at);
        at = comma + 1;
        if (trim(entry).empty()) {
            if (comma == text.size()) break;
            continue;
        }
        const size_t eq = entry.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        std::string key = trim(entry.substr(0, eq));
        auto value = percent_decode(trim(entry.substr(eq + 1)));
        if (key.empty() || !value) return std::nullopt;
        auto decoded_key = percent_decode(key);
        if (!decoded_key) return std::nullopt;
        out.emplace_back(std::move(*decoded_key), std::move(*value));
        if (comma == text.size()) break;
    }
    return out;
}

ResolvedConfig resolve_config(Json config, const EnvLookup& env) {
    ResolvedConfig r;
    auto source = [&r](std::string setting, std::string from) { r.sources.emplace_back(std::move(setting), std::move(from)); };

    // OTEL_SDK_DISABLED: "true" (any case) turns the exporter off.
    if (auto disabled = first_set(env, {"OTEL_SDK_DISABLED"})) {
        const std::string value = lower(disabled->second);
        if (value == "true") r.disabled = true;
        else if (value != "false")
            r.warnings.push_back("OTEL_SDK_DISABLED='" + disabled->second + "' is neither true nor false: ignored");
    }
    if (r.disabled) source("disabled", "OTEL_SDK_DISABLED");

    // Endpoint.
    bool endpoint_from_env = false;
    const std::string configured = net::get_string(config, "endpoint");
    if (!configured.empty()) {
        net::check_endpoint(configured, "endpoint");
        r.url = logs_url(configured);
        source("endpoint", "config");
    } else if (auto logs = first_set(env, {logs_var("ENDPOINT").c_str()})) {
        net::check_endpoint(logs->second, logs->first.c_str());
        r.url = logs->second;  // as it is: the spec appends nothing to the signal's own endpoint
        config["endpoint"] = logs->second;
        endpoint_from_env = true;
        source("endpoint", logs->first);
    } else if (auto all = first_set(env, {all_var("ENDPOINT").c_str()})) {
        net::check_endpoint(all->second, all->first.c_str());
        r.url = append_signal_path(all->second);
        config["endpoint"] = all->second;
        endpoint_from_env = true;
        source("endpoint", all->first);
    } else if (!r.disabled) {
        throw sdk::ConfigError(
            "'endpoint' is required unless OTEL_EXPORTER_OTLP_LOGS_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT is set");
    }

    // Headers: the block's, then (only for an endpoint from the environment) the environment's,
    // the _LOGS_ ones winning over the generic ones, the block's over both. Names only in sources.
    Json headers = config.contains("headers") && config["headers"].is_object() ? config["headers"] : Json::object();
    for (auto it = headers.begin(); it != headers.end(); ++it) source("header " + it.key(), "config");
    std::vector<std::pair<std::string, std::string>> env_headers;  // (name, variable)
    Json env_values = Json::object();
    for (const std::string& var : {all_var("HEADERS"), logs_var("HEADERS")}) {
        auto value = env(var);
        if (!value || trim(*value).empty()) continue;
        if (!endpoint_from_env) {
            r.warnings.push_back(var + " is not used: the endpoint is set in the config, and headers from the "
                                 "environment (credentials, often) go only to an endpoint from the environment");
            continue;
        }
        auto parsed = parse_key_values(*value);
        if (!parsed) {
            r.warnings.push_back(var + " is not a list of name=value pairs (percent-encoded values): ignored");
            continue;
        }
        for (auto& header : *parsed) {
            const std::string& name = header.first;  // a plain name: clang 14 lambdas cannot capture bindings
            const std::string& header_value = header.second;
            // The _LOGS_ variable (read second) replaces a generic header of the same name.
            auto same = std::find_if(env_headers.begin(), env_headers.end(),
                                     [&](const auto& h) { return iequal(h.first, name); });
            if (same != env_headers.end()) {
                env_values.erase(same->first);
                env_headers.erase(same);
            }
            env_headers.emplace_back(name, var);
            env_values[name] = header_value;
        }
    }
    for (const auto& [name, var] : env_headers) {
        bool configured_name = false;
        for (auto it = headers.begin(); it != headers.end(); ++it) configured_name = configured_name || iequal(it.key(), name);
        if (configured_name) continue;  // the block's header wins
        headers[name] = env_values[name];
        source("header " + name, var);
    }
    if (!headers.empty()) config["headers"] = headers;

    // Protocol, compression, timeout, certificate: the block's key, else the variable when it
    // reads as a value of that key (else a warning), else the default.
    using Reading = std::variant<Json, std::string>;  // the key's value, or why the text is not one
    auto setting = [&](const char* key, const char* suffix, bool has_default, auto read) {
        if (config.contains(key)) return source(key, "config");
        if (auto variable = from_env(env, suffix)) {
            Reading reading = read(variable->second);
            if (const Json* value = std::get_if<Json>(&reading)) {
                config[key] = *value;
                return source(key, variable->first);
            }
            r.warnings.push_back(variable->first + "='" + variable->second + "' " + std::get<std::string>(reading));
        }
        if (has_default) source(key, "default");
    };
    setting("protocol", "PROTOCOL", true, [](const std::string& text) -> Reading {
        if (text == "http/protobuf" || text == "http/json") return Json(text);
        return std::string("is not supported (http/protobuf or http/json): http/protobuf is used");
    });
    setting("gzip", "COMPRESSION", true, [](const std::string& text) -> Reading {
        const std::string value = lower(text);
        if (value == "gzip" || value == "none") return Json(value == "gzip");
        return std::string("is neither gzip nor none: ignored");
    });
    setting("timeout_ms", "TIMEOUT", true, [](const std::string& text) -> Reading {
        int64_t ms = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (ec == std::errc() && end == text.data() + text.size() && ms > 0) return Json(ms);
        return std::string("is not a positive number of milliseconds: ignored");
    });
    setting("ca_file", "CERTIFICATE", false, [](const std::string& text) -> Reading { return Json(text); });

    // Resource: OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME over its service.name, then
    // the block's resource_attributes over both.
    Json resource = Json::object();
    std::vector<std::pair<std::string, std::string>> resource_sources;
    if (auto attributes = first_set(env, {"OTEL_RESOURCE_ATTRIBUTES"})) {
        if (auto parsed = parse_key_values(attributes->second)) {
            for (auto& [key, value] : *parsed) resource[key] = value;
        } else {
            r.warnings.push_back("OTEL_RESOURCE_ATTRIBUTES is not a list of key=value pairs (percent-encoded values): ignored");
        }
    }
    for (auto it = resource.begin(); it != resource.end(); ++it) resource_sources.emplace_back(it.key(), "OTEL_RESOURCE_ATTRIBUTES");
    if (auto service = first_set(env, {"OTEL_SERVICE_NAME"})) {
        resource["service.name"] = service->second;
        resource_sources.erase(std::remove_if(resource_sources.begin(), resource_sources.end(),
                                              [](const auto& s) { return s.first == "service.name"; }),
                               resource_sources.end());
        resource_sources.emplace_back("service.name", "OTEL_SERVICE_NAME");
    }
    if (config.contains("resource_attributes") && config["resource_attributes"].is_object()) {
        for (auto it = config["resource_attributes"].begin(); it != config["resource_attributes"].end(); ++it) {
            resource[it.key()] = it.value();
            resource_sources.erase(std::remove_if(resource_sources.begin(), resource_sources.end(),
                                                  [&](const auto& s) { return s.first == it.key(); }),
                                   resource_sources.end());
        }
    }
    for (auto& [key, from] : resource_sources) source("resource " + key, from);
    if (!resource.empty()) config["resource_attributes"] = resource;

    r.config = std::move(config);
    return r;
}

std::string ResolvedConfig::describe_sources() const {
    std::string out;
    for (const auto& [setting, from] : sources) {
        if (!out.empty()) out += "; ";
        out += setting + " from " + from;
    }
    return out;
}

}  // namespace overt::otlp
