// SPDX-License-Identifier: MIT
#include "plugin/builtin_backends.hpp"
#include "plugin/call_observer.hpp"
#include "plugin/host_api.hpp"
#include "plugin/plugin_host_factory.hpp"
#include "plugin/plugin_library.hpp"
#include "plugin/plugin_sink.hpp"
#include "platform/fd.hpp"
#include "platform/user.hpp"
#include "support/trusted_file.hpp"
#include "support/bounded_call.hpp"
#include "support/mask_secrets.hpp"

#include <nlohmann/json.hpp>


#include <array>
#include <atomic>
#include <cstdio>
#include <exception>
#include <optional>
#include <utility>

namespace overt {

namespace {

std::string error_text(const std::string& backend_id, const std::string& plugin, const std::string& path,
                       const std::string& reason) {
    std::string text = "backend \"" + backend_id + "\" (plugin \"" + plugin + "\"";
    if (!path.empty()) text += ", " + path;
    return text + "): " + reason;
}

std::string join_dirs(const std::vector<std::string>& dirs) {
    std::string out;
    for (const auto& dir : dirs) out += (out.empty() ? "" : ", ") + dir;
    return out.empty() ? "(no directories)" : out;
}

// A plugin file in a search dir, with the platform's separator ("" is the current dir).
std::string plugin_file_in(const std::string& dir, const std::string& file) {
    return dir.empty() ? file : platform::join_path(dir, file);
}

// Where a backend's plugin comes from: a file on the search path, or libovert itself.
struct PluginLocation {
    std::string dir;
    std::string path;  // plugin::kBuiltinPath for a built-in
    bool builtin = false;
};

// What a bounded call into plugin code shares with its thread, which may outlive the caller
// when abandoned: a late result (an instance) stays here, never destroyed.
template <typename T>
struct BoundedAttempt {
    std::atomic<plugin::PluginCall> stage{plugin::PluginCall::load};
    T result{};
    std::exception_ptr error;
};

std::string overrun_text(plugin::PluginCall stage, std::chrono::milliseconds limit) {
    const std::string within = " within " + std::to_string(limit.count()) + " ms; abandoned";
    if (stage != plugin::PluginCall::load) return std::string("did not return from ") + plugin::call_name(stage) + "()" + within;
    // dlopen runs the library's constructors under the loader's lock: until they return, any
    // other library load in this process waits too. Only overt-sender's supervisor (which
    // kills its worker) gets past that; an in-process caller merely stops waiting.
    return "did not finish loading the library" + within +
           " (a library stuck in its constructors holds the dynamic loader's lock: later loads in this process "
           "wait for it)";
}

// Runs `call(stage)` on a bounded thread and returns its result; an exception it throws is
// rethrown here. Past `limit` the call is abandoned and a PluginError names where it was.
template <typename T, typename Call>
T run_plugin_code(const BackendConfig& backend, const std::string& id, const std::string& path,
                  std::chrono::milliseconds limit, Call call) {
    auto attempt = std::make_shared<BoundedAttempt<T>>();
    const bool returned = support::run_bounded(
        [attempt, call = std::move(call)] {
            try {
                attempt->result = call(attempt->stage);
            } catch (...) {
                attempt->error = std::current_exception();
            }
        },
        Clock::now() + limit);
    if (!returned) {
        support::abandon_forever(attempt);
        throw PluginError(id, backend.plugin, path, overrun_text(attempt->stage.load(), limit));
    }
    if (attempt->error) std::rethrow_exception(attempt->error);
    return std::move(attempt->result);
}

}  // namespace

PluginError::PluginError(std::string backend_id, std::string plugin, std::string path, const std::string& reason)
    // A plugin's reason may quote an endpoint or a header it was given: masked once, here.
    : std::runtime_error(support::mask_secrets(error_text(backend_id, plugin, path, reason))),
      backend_id_(std::move(backend_id)),
      plugin_(std::move(plugin)),
      path_(std::move(path)) {}

class OVERT_LOCAL PluginHost::Impl {
   public:
    Impl(std::vector<std::string> dirs, std::shared_ptr<transport::HttpService> http,
         std::chrono::milliseconds call_limit)
        : dirs_(std::move(dirs)), http_(std::move(http)), call_limit_(call_limit) {}

    const std::vector<std::string>& dirs() const noexcept { return dirs_; }
    std::unique_ptr<Sink> create_sink(const BackendConfig& backend);
    SettingsCheck check_settings(const BackendConfig& backend);

   private:
    // The id shown in messages, and the path of the plugin file the search path finds.
    std::string id_of(const BackendConfig& backend) const;
    PluginLocation locate(const BackendConfig& backend) const;

    std::vector<std::string> dirs_;
    std::shared_ptr<transport::HttpService> http_;
    std::chrono::milliseconds call_limit_;
};

namespace {

// Load, config check and create(), run on a bounded call's thread: everything it uses is
// passed by value. Records in `stage` which call into plugin code it is in.
std::unique_ptr<Sink> load_and_create(const BackendConfig& backend, const std::string& id, const PluginLocation& where,
                                      const std::shared_ptr<transport::HttpService>& http,
                                      std::chrono::milliseconds call_limit, std::atomic<plugin::PluginCall>& stage);

// Load, schema check and validate(), on a bounded call's thread like load_and_create.
SettingsCheck load_and_check(const BackendConfig& backend, const std::string& id, const PluginLocation& where,
                             std::atomic<plugin::PluginCall>& stage);

}  // namespace

std::string PluginHost::Impl::id_of(const BackendConfig& backend) const {
    return backend.id.empty() ? backend.plugin : backend.id;
}

PluginLocation PluginHost::Impl::locate(const BackendConfig& backend) const {
    const std::string id = id_of(backend);
    if (backend.plugin.empty() || backend.plugin.find_first_of("/\\") != std::string::npos)
        throw PluginError(id, backend.plugin, "", "not a valid plugin name");
    // A built-in comes before every directory (see overt/plugins.hpp).
    if (plugin::is_builtin(backend.plugin)) return {"", plugin::kBuiltinPath, true};

    // The first directory holding the file owns the name, as in discovery.
    const std::string file_name = plugin::plugin_file_name(backend.plugin);
    std::string dir;
    for (const auto& candidate : dirs_) {
        platform::FileStatus st;
        if (platform::stat_path(plugin_file_in(candidate, file_name), st, false)) {
            dir = candidate;
            break;
        }
    }
    if (dir.empty()) {
        throw PluginError(id, backend.plugin, "",
                          "plugin not found: no " + file_name + " in " + join_dirs(dirs_));
    }
    return {dir, plugin_file_in(dir, file_name), false};
}

std::unique_ptr<Sink> PluginHost::Impl::create_sink(const BackendConfig& backend) {
    const std::string id = id_of(backend);
    const PluginLocation where = locate(backend);

    // The whole of it is bounded: the library's constructors, its entry point and create()
    // are all plugin code (a built-in's entry point and create() too).
    return run_plugin_code<std::unique_ptr<Sink>>(
        backend, id, where.path, call_limit_, [backend, id, where, http = http_, limit = call_limit_](auto& stage) {
            return load_and_create(backend, id, where, http, limit, stage);
        });
}

SettingsCheck PluginHost::Impl::check_settings(const BackendConfig& backend) {
    const std::string id = id_of(backend);
    const PluginLocation where = locate(backend);
    return run_plugin_code<SettingsCheck>(backend, id, where.path, call_limit_, [backend, id, where](auto& stage) {
        return load_and_check(backend, id, where, stage);
    });
}

namespace {

// The plugin file, trust-checked, pin compared, loaded once, its descriptor checked; or the
// built-in, its descriptor checked the same way. Throws PluginError.
const plugin::LoadedPlugin& load_for(const BackendConfig& backend, const std::string& id, const PluginLocation& where) {
    const std::string& path = where.path;
    try {
        plugin::ObservedCall observed(id, plugin::PluginCall::load, path);
        if (where.builtin) {
            // No pin to compare: a pin guards a file against replacement, and a built-in is
            // part of the program itself.
            return plugin::load_builtin(backend.plugin);
        }
        return plugin::load_plugin(where.dir, backend.plugin, backend.sha256);
    } catch (const std::exception& refusal) {
        throw PluginError(id, backend.plugin, path, std::string("refused: ") + refusal.what());
    }
}

// The settings as the JSON text handed to the plugin, or nullopt with the reason in `refusal`
// when they are not an object or the plugin's schema refuses them.
std::optional<std::string> settings_for(const plugin::LoadedPlugin& loaded, const BackendConfig& backend,
                                        std::string& refusal) {
    const std::string& settings = backend.settings_json.empty() ? std::string("{}") : backend.settings_json;
    nlohmann::json config = nlohmann::json::parse(settings, nullptr, false);
    if (config.is_discarded() || !config.is_object()) {
        refusal = "settings are not a JSON object";
        return std::nullopt;
    }
    if (loaded.config_schema) {
        auto errors = loaded.config_schema->validate(config);
        if (!errors.empty()) {
            refusal = "invalid config: ";
            for (size_t i = 0; i < errors.size(); ++i) refusal += (i ? "; " : "") + errors[i].to_string();
            return std::nullopt;
        }
    }
    return config.dump();
}

// A result whose message buffer the plugin writes into.
struct ResultBuffer {
    std::array<char, 1024> message{};
    overt_result result{};
    ResultBuffer() {
        result.struct_size = sizeof result;
        result.retry_after_ms = -1;
        result.message = message.data();
        result.message_capacity = message.size();
    }
    std::string text() {
        message.back() = '\0';
        return std::string(message.data());
    }
};

std::string status_name(int status) {
    return status == OVERT_INVALID_CONFIG ? "INVALID_CONFIG" : status == OVERT_FATAL ? "FATAL" : "status " + std::to_string(status);
}

SettingsCheck load_and_check(const BackendConfig& backend, const std::string& id, const PluginLocation& where,
                             std::atomic<plugin::PluginCall>& stage) {
    const std::string& path = where.path;
    const plugin::LoadedPlugin& loaded = load_for(backend, id, where);
    SettingsCheck check;
    const auto config_text = settings_for(loaded, backend, check.problem);
    if (!config_text) {
        check.verdict = SettingsCheck::Verdict::refused;
        return check;
    }
    if (!loaded.has_validate) return check;  // not_offered

    stage = plugin::PluginCall::validate;
    plugin::HostApi host(backend.plugin, nullptr);  // no HTTP: validating sends nothing
    host.keep_warnings();
    ResultBuffer result;
    int status = OVERT_FATAL;
    try {
        plugin::ObservedCall observed(id, plugin::PluginCall::validate, path);
        status = loaded.descriptor->validate(host.table(), config_text->c_str(), config_text->size(), &result.result);
    } catch (...) {
        std::snprintf(result.message.data(), result.message.size(), "validate let a C++ exception escape the C ABI");
    }
    check.warnings = host.warnings();
    const std::string text = support::mask_secrets(result.text());
    if (status == OVERT_OK) {
        check.verdict = SettingsCheck::Verdict::accepted;
    } else {
        check.verdict = SettingsCheck::Verdict::refused;
        check.problem = text.empty() ? "refused (" + status_name(status) + ")" : text;
    }
    return check;
}

std::unique_ptr<Sink> load_and_create(const BackendConfig& backend, const std::string& id, const PluginLocation& where,
                                      const std::shared_ptr<transport::HttpService>& http,
                                      std::chrono::milliseconds call_limit, std::atomic<plugin::PluginCall>& stage) {
    const std::string& path = where.path;
    const plugin::LoadedPlugin& loaded = load_for(backend, id, where);
    std::string refusal;
    const auto config_text = settings_for(loaded, backend, refusal);
    if (!config_text) throw PluginError(id, backend.plugin, path, refusal);
    stage = plugin::PluginCall::create;
    auto host = std::make_unique<plugin::HostApi>(backend.plugin, http);
    ResultBuffer result;
    void* instance = nullptr;
    int status = OVERT_FATAL;
    try {
        plugin::ObservedCall observed(id, plugin::PluginCall::create, path);
        status = loaded.descriptor->create(host->table(), config_text->c_str(), config_text->size(), &instance,
                                           &result.result);
    } catch (...) {
        std::snprintf(result.message.data(), result.message.size(), "create let a C++ exception escape the C ABI");
    }
    const std::string text = result.text();
    if (status != OVERT_OK) {
        throw PluginError(id, backend.plugin, path,
                          "instance not created (" + status_name(status) + ")" + (text.empty() ? "" : ": " + text));
    }
    if (!instance) throw PluginError(id, backend.plugin, path, "create returned OK without an instance");
    return std::make_unique<plugin::PluginSink>(id, loaded, std::move(host), instance, call_limit);
}

}  // namespace

PluginHost::PluginHost(std::vector<std::string> search_dirs)
    : impl_(std::make_unique<Impl>(std::move(search_dirs), nullptr, plugin::kDefaultPluginCallLimit)) {}
PluginHost::PluginHost(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PluginHost::~PluginHost() = default;
PluginHost::PluginHost(PluginHost&&) noexcept = default;
PluginHost& PluginHost::operator=(PluginHost&&) noexcept = default;

const std::vector<std::string>& PluginHost::search_dirs() const noexcept { return impl_->dirs(); }

std::unique_ptr<Sink> PluginHost::create_sink(const BackendConfig& backend) { return impl_->create_sink(backend); }
SettingsCheck PluginHost::check_settings(const BackendConfig& backend) { return impl_->check_settings(backend); }

namespace detail {
struct PluginHostAccess {
    static PluginHost make(std::vector<std::string> search_dirs, std::shared_ptr<transport::HttpService> http,
                           std::chrono::milliseconds call_limit) {
        return PluginHost(std::make_unique<PluginHost::Impl>(std::move(search_dirs), std::move(http), call_limit));
    }
};
}  // namespace detail

namespace plugin {

PluginHost make_plugin_host(std::vector<std::string> search_dirs, std::shared_ptr<transport::HttpService> http,
                            std::chrono::milliseconds call_limit) {
    return detail::PluginHostAccess::make(std::move(search_dirs), std::move(http), call_limit);
}

}  // namespace plugin
}  // namespace overt
