// SPDX-License-Identifier: MIT
// The user's consent file and the precedence of switches that decide whether to collect.
#include <overt/consent.hpp>
#include <overt/data_dir.hpp>

#include "platform/fd.hpp"
#include "platform/user.hpp"
#include "support/atomic_file.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace overt {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error(path + ": " + what + ": " + std::strerror(errno));
}

void make_private_dirs(const std::filesystem::path& dir) {
    std::filesystem::path partial;
    for (const auto& piece : dir) {
        partial /= piece;
        if (platform::make_dir(partial.string(), 0700) != 0 && errno != EEXIST) fail(partial.string(), "cannot create directory");
    }
}

void write_atomically(const std::string& path, const std::string& content) {
    make_private_dirs(std::filesystem::path(path).parent_path());
    std::string error;
    if (!support::write_file_atomically(support::AtomicWrite::at(path), content, error))
        throw std::runtime_error(error);
}

}  // namespace

std::string_view to_string(Consent consent) {
    switch (consent) {
        case Consent::granted: return "granted";
        case Consent::denied: return "denied";
        case Consent::unset: break;
    }
    return "unset";
}

ConsentStore::ConsentStore(std::string_view tool_name)
    : path_(platform::join_path(user_config_dir(tool_name), "consent.yaml")) {}

ConsentStore ConsentStore::at_path(std::string file_path) {
    ConsentStore store;
    store.path_ = std::move(file_path);
    return store;
}

Consent ConsentStore::load() {
    warning_.clear();
    local_only_ = false;
    std::error_code error;
    if (!std::filesystem::exists(path_, error)) return Consent::unset;
    try {
        const YAML::Node root = YAML::LoadFile(path_);
        const YAML::Node telemetry = root["telemetry"];
        if (!telemetry || !telemetry.IsMap()) {
            warning_ = path_ + ": no 'telemetry' map; consent treated as not given";
            return Consent::unset;
        }
        const YAML::Node enabled = telemetry["enabled"];
        if (!enabled) {
            warning_ = path_ + ": no 'telemetry.enabled'; consent treated as not given";
            return Consent::unset;
        }
        const bool granted = enabled.as<bool>();
        // Read last, so a corrupt file leaves local_only at its default.
        if (const YAML::Node local_only = telemetry["local_only"]) local_only_ = local_only.as<bool>();
        return granted ? Consent::granted : Consent::denied;
    } catch (const YAML::Exception& problem) {
        local_only_ = false;
        const std::string where = problem.mark.is_null() ? path_ : path_ + ":" + std::to_string(problem.mark.line + 1);
        warning_ = where + ": unreadable consent file (" + problem.msg + "); consent treated as not given";
        return Consent::unset;
    }
}

void ConsentStore::save(Consent consent) {
    if (consent == Consent::unset) {
        clear();
        return;
    }
    const std::string content = std::string("# overt: your telemetry choice for this tool.\n") +
                                "telemetry:\n  enabled: " + (consent == Consent::granted ? "true" : "false") +
                                "\n  local_only: " + (local_only_ ? "true" : "false") + "\n";
    write_atomically(path_, content);
}

bool ConsentStore::clear() {
    std::error_code ec;
    return std::filesystem::remove(path_, ec);
}

bool parse_go_bool(std::string_view text, bool& value) {
    for (std::string_view yes : {"1", "t", "T", "TRUE", "true", "True"})
        if (text == yes) return value = true, true;
    for (std::string_view no : {"0", "f", "F", "FALSE", "false", "False"})
        if (text == no) return value = false, true;
    return false;
}

std::string telemetry_env_var(std::string_view tool_name) {
    std::string name;
    for (unsigned char c : tool_name) name += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
    return name + "_TELEMETRY";
}

ConsentDecision decide_consent(const Config& config, Consent stored, const GetEnv& getenv) {
    return decide_consent(config, stored, false, getenv);
}

ConsentDecision decide_consent(const Config& config, ConsentStore& store) {
    const Consent stored = store.load();
    return decide_consent(config, stored, store.local_only(), [](const char* name) { return std::getenv(name); });
}

ConsentDecision decide_consent(const Config& config, Consent stored, bool stored_local_only, const GetEnv& getenv) {
    auto off = [](std::string reason) { return ConsentDecision{false, std::move(reason), false}; };
    auto on = [](std::string reason, bool local_only) { return ConsentDecision{true, std::move(reason), local_only}; };
    if (!config.enabled) return off("telemetry is disabled by the tool author");
    if (config.force_enabled) return on("telemetry is enforced by the tool author", false);
    if (const char* dnt = getenv("DO_NOT_TRACK"); dnt && *dnt) {
        std::string_view value(dnt);
        if (value != "0" && value != "false") return off("DO_NOT_TRACK is set");
    }
    const std::string variable = telemetry_env_var(config.tool_name);
    if (const char* override_value = getenv(variable.c_str())) {
        if (std::string_view(override_value) == "local")
            return on(variable + "=local turns telemetry on, local-only: nothing is sent", true);
        bool value = false;
        if (!parse_go_bool(override_value, value))
            return off(variable + "='" + override_value + "' is not a boolean or 'local'; telemetry stays off");
        return value ? on(variable + " turns telemetry on", false) : off(variable + " turns telemetry off");
    }
    switch (stored) {
        case Consent::granted:
            return stored_local_only ? on("you enabled telemetry, local-only: nothing is sent", true)
                                     : on("you enabled telemetry", false);
        case Consent::denied: return off("you disabled telemetry");
        case Consent::unset: break;
    }
    return off("telemetry is off until you enable it");
}

}  // namespace overt
