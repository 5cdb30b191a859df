// SPDX-License-Identifier: MIT
// The C API (<overt/overt.h>): each function checks its arguments, calls the C++ collector and
// turns every exception into OVERT_C_ERROR with a message, since none may cross into C.
#include <overt/overt.h>

#include <overt/collector.hpp>
#include <overt/config.hpp>
#include <overt/consent.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

struct overt_collector {
    std::unique_ptr<overt::Collector> collector;
};

namespace {

thread_local std::string t_last_error;

int fail(std::string message) {
    t_last_error = std::move(message);
    return OVERT_C_ERROR;
}

// Runs `body` (which returns an int status), turning any exception into OVERT_C_ERROR.
template <class Body>
int guarded(const char* function, Body&& body) noexcept {
    try {
        return body();
    } catch (const std::exception& e) {
        return fail(std::string(function) + ": " + e.what());
    } catch (...) {
        return fail(std::string(function) + ": unknown error");
    }
}

// The struct_size of a caller's struct covers `field`: older callers' structs are shorter.
#define OVERT_C_HAS_FIELD(ptr, type, field) ((ptr)->struct_size >= offsetof(type, field) + sizeof((ptr)->field))

overt::Metadata metadata_of(const overt_metadata_entry* entries, size_t count) {
    overt::Metadata metadata;
    metadata.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        if (!entries[i].key || !entries[i].value) throw std::invalid_argument("metadata entry " + std::to_string(i) + " has a NULL key or value");
        metadata.emplace_back(entries[i].key, entries[i].value);
    }
    return metadata;
}

bool usable(const overt_collector* handle) {
    if (handle && handle->collector) return true;
    fail("the collector is NULL");
    return false;
}

nlohmann::json status_of(const overt::Collector& collector) {
    const overt::Counters counters = collector.counters();
    nlohmann::json dropped = nlohmann::json::object();
    for (const auto& [reason, count] : counters.dropped) dropped[reason] = count;
    return {
        {"enabled", collector.enabled()},
        {"consent_reason", collector.consent_reason()},
        {"tool", collector.config().tool_name},
        {"data_dir", collector.data_dir()},
        {"machine_id", collector.machine_id()},
        {"backends", collector.backend_info()},
        {"counters",
         {{"tracked", counters.tracked},
          {"recovered", counters.recovered},
          {"buffered", counters.buffered},
          {"spilled", counters.spilled},
          {"sent", counters.sent},
          {"handed_off", counters.handed_off},
          {"dropped", dropped},
          {"corrupt_files", counters.corrupt_files}}},
        {"spill_files_waiting", collector.spill_files_waiting()},
    };
}

}  // namespace

extern "C" {

overt_collector* overt_collector_open(const overt_collector_options* options) {
    overt_collector* opened = nullptr;
    guarded("overt_collector_open", [&] {
        if (!options) return fail("overt_collector_open: options is NULL");
        if (!OVERT_C_HAS_FIELD(options, overt_collector_options, config_text))
            return fail("overt_collector_open: options->struct_size " + std::to_string(options->struct_size) +
                        " is too small (set it to sizeof(overt_collector_options))");
        overt::Config config;
        if (options->config_path) {
            config = overt::load_config(options->config_path);
        } else if (options->config_text) {
            const bool named = OVERT_C_HAS_FIELD(options, overt_collector_options, config_name) && options->config_name;
            config = overt::parse_config(options->config_text, named ? options->config_name : "<config text>");
        } else {
            return fail("overt_collector_open: neither config_path nor config_text is set");
        }
        auto handle = std::make_unique<overt_collector>();
        handle->collector = overt::Collector::open(std::move(config));
        opened = handle.release();
        t_last_error.clear();
        return OVERT_C_OK;
    });
    return opened;
}

int overt_collector_enabled(const overt_collector* collector) {
    return collector && collector->collector && collector->collector->enabled() ? 1 : 0;
}

int overt_collector_track(overt_collector* collector, const char* type, const char* name,
                          const overt_metadata_entry* metadata, size_t metadata_count) {
    return guarded("overt_collector_track", [&] {
        if (!usable(collector)) return OVERT_C_ERROR;
        if (!type || !name) return fail("overt_collector_track: type and name must not be NULL");
        if (metadata_count > 0 && !metadata) return fail("overt_collector_track: metadata is NULL with a count");
        collector->collector->track(type, name, metadata_of(metadata, metadata_count));
        return OVERT_C_OK;
    });
}

int overt_collector_track_command(overt_collector* collector, const char* name, int64_t duration_ms,
                                  int32_t exit_code) {
    return guarded("overt_collector_track_command", [&] {
        if (!usable(collector)) return OVERT_C_ERROR;
        if (!name) return fail("overt_collector_track_command: name must not be NULL");
        collector->collector->track_command(name, duration_ms, exit_code);
        return OVERT_C_OK;
    });
}

int overt_collector_track_command_extended(overt_collector* collector, const overt_command_info* info) {
    return guarded("overt_collector_track_command_extended", [&] {
        if (!usable(collector)) return OVERT_C_ERROR;
        if (!info) return fail("overt_collector_track_command_extended: info is NULL");
        if (!OVERT_C_HAS_FIELD(info, overt_command_info, metadata_count))
            return fail("overt_collector_track_command_extended: info->struct_size " + std::to_string(info->struct_size) +
                        " is too small (set it to sizeof(overt_command_info))");
        if (!info->name) return fail("overt_collector_track_command_extended: info->name must not be NULL");
        if (info->arg_count > 0 && !info->args)
            return fail("overt_collector_track_command_extended: args is NULL with a count");
        if (info->metadata_count > 0 && !info->metadata)
            return fail("overt_collector_track_command_extended: metadata is NULL with a count");
        std::vector<std::string> args;
        args.reserve(info->arg_count);
        for (size_t i = 0; i < info->arg_count; ++i) args.emplace_back(info->args[i] ? info->args[i] : "");
        collector->collector->track_command_extended(info->name, args, info->duration_ms, info->exit_code,
                                                     info->error ? info->error : "",
                                                     metadata_of(info->metadata, info->metadata_count));
        return OVERT_C_OK;
    });
}

int overt_collector_flush(overt_collector* collector, int64_t timeout_ms) {
    return guarded("overt_collector_flush", [&] {
        if (!usable(collector)) return OVERT_C_ERROR;
        const overt::FlushReport report = timeout_ms < 0
                                              ? collector->collector->flush()
                                              : collector->collector->flush(std::chrono::steady_clock::now() +
                                                                            std::chrono::milliseconds(timeout_ms));
        if (!report.ok()) return fail("overt_collector_flush: " + report.summary());
        return OVERT_C_OK;
    });
}

int overt_collector_close(overt_collector* collector) {
    if (!collector) return OVERT_C_OK;
    const int status = guarded("overt_collector_close", [&] {
        if (!collector->collector) return OVERT_C_OK;
        const overt::FlushReport report = collector->collector->close();
        return report.ok() ? OVERT_C_OK : fail("overt_collector_close: " + report.summary());
    });
    delete collector;  // the collector's destructor does not throw once closed
    return status;
}

int overt_collector_drop(overt_collector* collector) {
    return guarded("overt_collector_drop", [&] {
        if (!usable(collector)) return OVERT_C_ERROR;
        collector->collector->drop();
        return OVERT_C_OK;
    });
}

int overt_collector_consent_get(const overt_collector* collector) {
    return guarded("overt_collector_consent_get", [&] {
        if (!usable(collector)) return OVERT_C_ERROR;
        overt::ConsentStore store(collector->collector->config().tool_name);
        switch (store.load()) {
            case overt::Consent::granted: return OVERT_CONSENT_GRANTED;
            case overt::Consent::denied: return OVERT_CONSENT_DENIED;
            case overt::Consent::unset: break;
        }
        return OVERT_CONSENT_UNSET;
    });
}

int overt_collector_consent_set(overt_collector* collector, int consent) {
    return guarded("overt_collector_consent_set", [&] {
        if (!usable(collector)) return OVERT_C_ERROR;
        overt::ConsentStore store(collector->collector->config().tool_name);
        switch (consent) {
            case OVERT_CONSENT_GRANTED: store.save(overt::Consent::granted); break;
            case OVERT_CONSENT_DENIED:
                store.save(overt::Consent::denied);
                collector->collector->drop();
                break;
            case OVERT_CONSENT_UNSET: store.clear(); break;
            default:
                return fail("overt_collector_consent_set: " + std::to_string(consent) +
                            " is not OVERT_CONSENT_UNSET, _GRANTED or _DENIED");
        }
        return OVERT_C_OK;
    });
}

char* overt_collector_status_json(const overt_collector* collector) {
    char* text = nullptr;
    guarded("overt_collector_status_json", [&] {
        if (!usable(collector)) return OVERT_C_ERROR;
        const std::string json = status_of(*collector->collector).dump();
        text = static_cast<char*>(std::malloc(json.size() + 1));
        if (!text) throw std::bad_alloc();
        std::memcpy(text, json.c_str(), json.size() + 1);
        return OVERT_C_OK;
    });
    return text;
}

void overt_string_free(char* text) { std::free(text); }

const char* overt_last_error(void) { return t_last_error.c_str(); }

}  // extern "C"
