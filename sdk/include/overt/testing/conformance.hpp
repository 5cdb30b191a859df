// SPDX-License-Identifier: MIT
// overt plugin SDK, testing: the conformance kit. Loads a backend plugin file the way the
// host does and checks that it keeps the ABI contract in backend.h:
//
//   overt::testing::ConformanceOptions options;
//   options.plugin_path = "build/libovert-mine.so";
//   options.good_config = R"({"endpoint":"http://127.0.0.1:9/ingest"})";
//   options.bad_configs = {R"({})", R"({"endpoint":42})"};   // added to the built-in ones
//   auto results = overt::testing::run_conformance(options);
//   std::cout << overt::testing::format_report(results);
//   return overt::testing::all_passed(results) ? 0 : 1;
//
// Each check gives a CheckResult (name, passed, message); no test framework needed. A crash
// in the plugin kills the calling process, which a test runner reports as a failure too.
// Network plugins talk to a FakeHost (fake_host.hpp) and never leave the machine.
//
// Header-only C++17; depends on the SDK's C header, the standard library and POSIX dlfcn
// (LoadLibraryExW on Windows, where the plugin is overt-<name>.dll).
#ifndef OVERT_TESTING_CONFORMANCE_HPP
#define OVERT_TESTING_CONFORMANCE_HPP

#include <overt/backend.h>
#include <overt/testing/fake_host.hpp>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace overt::testing {

struct CheckResult {
    std::string name;     // e.g. "descriptor.abi", "send.large_batch"
    bool passed = false;
    std::string message;  // why it failed, or a note when it passed
};

struct ConformanceOptions {
    std::string plugin_path;        // the plugin file, named libovert-<name>.so
    std::string good_config = "{}";  // a config block (JSON object) create() must accept
    // Configs create() must refuse with INVALID_CONFIG or FATAL. Always checked as well:
    // text that is not JSON, and JSON that is not an object.
    std::vector<std::string> bad_configs;
    size_t large_batch_size = 10000;
    HttpReply http_reply;            // what the fake host's http_post answers (default 200)
    int64_t send_timeout_ms = 10000; // the deadline handed to send() and flush()
    // Checks good_config against the plugin's own config_schema: returns the problems, empty when
    // it validates. The SDK has no schema validator; libovert's is overt::config_schema_problems
    // (<overt/plugins.hpp>), the one the host loads plugins with. Unset, the check is skipped
    // with a note.
    std::function<std::vector<std::string>(std::string_view schema, std::string_view config)> schema_check;
};

namespace detail {

// Minimal JSON well-formedness check (RFC 8259 grammar, no DOM, depth-limited).
class JsonChecker {
   public:
    explicit JsonChecker(std::string_view text) : text_(text) {}

    // True when the whole text is one JSON value; sets error() otherwise.
    bool check_object() {
        skip_ws();
        if (pos_ >= text_.size() || text_[pos_] != '{') return fail("top level is not a JSON object");
        if (!value(0)) return false;
        skip_ws();
        if (pos_ != text_.size()) return fail("text after the JSON value");
        return true;
    }
    const std::string& error() const { return error_; }

   private:
    bool fail(const char* what) {
        if (error_.empty()) error_ = std::string(what) + " at offset " + std::to_string(pos_);
        return false;
    }
    void skip_ws() {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
            ++pos_;
    }
    bool literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return fail("invalid literal");
        pos_ += word.size();
        return true;
    }
    bool string() {
        ++pos_;  // opening quote
        while (pos_ < text_.size()) {
            auto c = static_cast<unsigned char>(text_[pos_++]);
            if (c == '"') return true;
            if (c < 0x20) return fail("control character in string");
            if (c != '\\') continue;
            if (pos_ >= text_.size()) break;
            char e = text_[pos_++];
            if (e == 'u') {
                for (int i = 0; i < 4; ++i, ++pos_)
                    if (pos_ >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_])))
                        return fail("bad \\u escape");
            } else if (!std::strchr("\"\\/bfnrt", e) || e == '\0') {
                return fail("bad escape");
            }
        }
        return fail("unterminated string");
    }
    bool digits() {
        size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
        return pos_ > start || fail("digit expected");
    }
    bool number() {
        if (text_[pos_] == '-') ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '0') {
            ++pos_;
        } else if (!digits()) {
            return false;
        }
        if (pos_ < text_.size() && text_[pos_] == '.') {
            ++pos_;
            if (!digits()) return false;
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (!digits()) return false;
        }
        return true;
    }
    bool value(int depth) {
        if (depth > 256) return fail("nested too deeply");
        skip_ws();
        if (pos_ >= text_.size()) return fail("value expected");
        char c = text_[pos_];
        if (c == '"') return string();
        if (c == 't') return literal("true");
        if (c == 'f') return literal("false");
        if (c == 'n') return literal("null");
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        if (c != '{' && c != '[') return fail("value expected");
        const bool object = c == '{';
        const char close = object ? '}' : ']';
        ++pos_;
        skip_ws();
        if (pos_ < text_.size() && text_[pos_] == close) {
            ++pos_;
            return true;
        }
        for (;;) {
            if (object) {
                skip_ws();
                if (pos_ >= text_.size() || text_[pos_] != '"') return fail("object key expected");
                if (!string()) return false;
                skip_ws();
                if (pos_ >= text_.size() || text_[pos_] != ':') return fail("':' expected");
                ++pos_;
            }
            if (!value(depth + 1)) return false;
            skip_ws();
            if (pos_ >= text_.size()) return fail("unterminated object or array");
            if (text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (text_[pos_] == close) {
                ++pos_;
                return true;
            }
            return fail("',' or closing bracket expected");
        }
    }

    std::string_view text_;
    size_t pos_ = 0;
    std::string error_;
};

inline bool is_json_object(std::string_view text, std::string* error = nullptr) {
    JsonChecker checker(text);
    bool ok = checker.check_object();
    if (!ok && error) *error = checker.error();
    return ok;
}

// Synthetic events that own their strings; the overt_event views point into them. Without
// `with_json` (a plugin declaring OVERT_CAP_NO_EVENT_JSON) json is {NULL, 0}, as the host passes it.
class EventBatch {
   public:
    explicit EventBatch(size_t count, bool with_json = true) : storage_(count), events_(count) {
        for (size_t i = 0; i < count; ++i) {
            Strings& s = storage_[i];
            char id[48];
            std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012zx", i);
            s.event_id = id;
            s.name = "conformance-" + std::to_string(i);
            s.args = {"--flag", "value"};
            s.metadata = {{"kit", "conformance"}, {"seq", std::to_string(i)}};
            for (const auto& a : s.args) s.arg_views.push_back(view(a));
            for (const auto& [k, v] : s.metadata) s.kv_views.push_back({view(k), view(v)});
            s.json = R"({"timestamp":"2024-01-02T03:04:05.123456789Z","type":"command.invocation","name":")" +
                     s.name +
                     R"(","machine_id":"0123456789abcdef","tool_name":"conformance","version":"1.0.0",)"
                     R"("os":"linux","arch":"amd64","go_version":"c++20","os_version":"6.1","duration_ms":42,)"
                     R"("metadata":{"kit":"conformance","seq":")" +
                     std::to_string(i) + R"("},"event_id":")" + s.event_id + R"("})";

            overt_event& e = events_[i];
            e.struct_size = sizeof(overt_event);
            e.event_id = view(s.event_id);
            e.timestamp = lit("2024-01-02T03:04:05.123456789Z");
            e.timestamp_unix_nano = 1704164645123456789LL;
            e.type = lit("command.invocation");
            e.name = view(s.name);
            e.machine_id = lit("0123456789abcdef");
            e.tool_name = lit("conformance");
            e.version = lit("1.0.0");
            e.os = lit("linux");
            e.arch = lit("amd64");
            e.runtime_version = lit("c++20");
            e.os_version = lit("6.1");
            e.duration_ms = 42;
            e.exit_code = 0;
            e.args = s.arg_views.data();
            e.args_count = s.arg_views.size();
            e.error = lit("");
            e.metadata = s.kv_views.data();
            e.metadata_count = s.kv_views.size();
            e.json = with_json ? view(s.json) : overt_str{nullptr, 0};
        }
    }
    EventBatch(const EventBatch&) = delete;
    EventBatch& operator=(const EventBatch&) = delete;

    const overt_event* data() const { return events_.empty() ? nullptr : events_.data(); }
    size_t size() const { return events_.size(); }

   private:
    struct Strings {
        std::string event_id, name, json;
        std::vector<std::string> args;
        std::vector<std::pair<std::string, std::string>> metadata;
        std::vector<overt_str> arg_views;
        std::vector<overt_kv> kv_views;
    };
    static overt_str view(const std::string& s) { return overt_str{s.data(), s.size()}; }
    static overt_str lit(const char* s) { return overt_str{s, std::strlen(s)}; }

    std::vector<Strings> storage_;
    std::vector<overt_event> events_;
};

// A result whose message buffer sits between canaries, to catch writes past the capacity.
class ResultBuffer {
   public:
    static constexpr size_t kCapacity = 512;
    static constexpr size_t kCanary = 32;

    ResultBuffer() : bytes_(kCapacity + 2 * kCanary, '\xA5') {
        result_.struct_size = sizeof result_;
        result_.status = -1;
        result_.retry_after_ms = -1;
        result_.accepted_count = 0;
        result_.message = &bytes_[kCanary];
        result_.message_capacity = kCapacity;
        result_.message[0] = '\0';
    }
    ResultBuffer(const ResultBuffer&) = delete;
    ResultBuffer& operator=(const ResultBuffer&) = delete;

    overt_result* get() { return &result_; }
    const overt_result& operator*() const { return result_; }

    bool canaries_intact() const {
        for (size_t i = 0; i < kCanary; ++i)
            if (bytes_[i] != '\xA5' || bytes_[kCanary + kCapacity + i] != '\xA5') return false;
        return true;
    }
    bool message_terminated() const { return std::memchr(result_.message, '\0', kCapacity) != nullptr; }
    std::string message() const { return message_terminated() ? std::string(result_.message) : std::string(); }

   private:
    std::string bytes_;
    overt_result result_{};
};

inline const char* status_name(int status) {
    switch (status) {
        case OVERT_OK: return "OK";
        case OVERT_RETRY: return "RETRY";
        case OVERT_REJECTED: return "REJECTED";
        case OVERT_INVALID_CONFIG: return "INVALID_CONFIG";
        case OVERT_FATAL: return "FATAL";
        default: return "unknown status";
    }
}

inline std::string file_name_of(const std::string& path) {
    size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

class Runner {
   public:
    explicit Runner(const ConformanceOptions& options) : options_(options) {
        host_.set_http_reply(options.http_reply);
    }

    std::vector<CheckResult> run() {
        const overt_backend_descriptor* d = load();
        if (!d) return std::move(results_);
        bool usable = check_descriptor(*d);
        check_file_name(*d);
        check_schema(*d);
        check_good_config_schema(*d);
        if (!usable) {
            add("lifecycle", false, "skipped: the descriptor's required functions are missing");
            return std::move(results_);
        }
        check_bad_configs(*d);
        check_validate(*d);
        void* instance = create_good(*d);
        if (!instance) return std::move(results_);
        check_describe(*d, instance);
        check_send(*d, instance, "send.empty_batch", 0);
        check_send(*d, instance, "send.small_batch", 3);
        check_send(*d, instance, "send.large_batch", options_.large_batch_size);
        check_flush(*d, instance);
        d->destroy(instance);
        add("destroy", true, "returned");
        check_host_use();
        return std::move(results_);
    }

   private:
    void add(std::string name, bool passed, std::string message) {
        results_.push_back({std::move(name), passed, std::move(message)});
    }

    int64_t deadline() const { return FakeHost::now_ns() + options_.send_timeout_ms * 1000000; }

    // As the host does it: RTLD_NOW | RTLD_LOCAL (on Windows its own folder and System32 for
    // its dependencies), never unloaded.
    const overt_backend_descriptor* load() {
#ifdef _WIN32
        HMODULE handle = LoadLibraryExA(options_.plugin_path.c_str(), nullptr,
                                        LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32);
        if (!handle) {
            add("load", false, "LoadLibraryExA " + options_.plugin_path + ": error " + std::to_string(GetLastError()));
            return nullptr;
        }
        void* symbol = reinterpret_cast<void*>(GetProcAddress(handle, OVERT_BACKEND_ENTRY_SYMBOL));
#else
        void* handle = dlopen(options_.plugin_path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* why = dlerror();
            add("load", false, "dlopen " + options_.plugin_path + ": " + (why ? why : "unknown error"));
            return nullptr;
        }
        void* symbol = dlsym(handle, OVERT_BACKEND_ENTRY_SYMBOL);
#endif
        if (!symbol) {
            add("load", false, options_.plugin_path + " does not export " OVERT_BACKEND_ENTRY_SYMBOL);
            return nullptr;
        }
        overt_backend_entry_fn entry;
        static_assert(sizeof entry == sizeof symbol, "function and object pointers differ in size");
        std::memcpy(&entry, &symbol, sizeof entry);
        const overt_backend_descriptor* d = entry();
        if (!d) {
            add("load", false, OVERT_BACKEND_ENTRY_SYMBOL " returned a null descriptor");
            return nullptr;
        }
        add("load", true, options_.plugin_path);
        return d;
    }

    bool check_descriptor(const overt_backend_descriptor& d) {
        // ABI 1.0's descriptor ends before validate; later fields are read only when covered.
        constexpr size_t kAbi10Size = offsetof(overt_backend_descriptor, validate);
        if (d.struct_size < kAbi10Size) {
            add("descriptor.struct_size", false,
                "struct_size " + std::to_string(d.struct_size) + " is smaller than the ABI 1.0 descriptor (" +
                    std::to_string(kAbi10Size) + ")");
        } else {
            add("descriptor.struct_size", true, std::to_string(d.struct_size));
        }
        const std::string abi = std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor);
        if (d.abi_major != OVERT_ABI_MAJOR || d.abi_minor > OVERT_ABI_MINOR) {
            add("descriptor.abi", false,
                "ABI " + abi + " is not compatible with this SDK's " + std::to_string(OVERT_ABI_MAJOR) + "." +
                    std::to_string(OVERT_ABI_MINOR) + " (major must be equal, minor not newer)");
        } else {
            add("descriptor.abi", true, abi);
        }
        std::string empty;
        if (!d.name || !*d.name) empty += " name";
        if (!d.version || !*d.version) empty += " version";
        if (!d.config_schema || !*d.config_schema) empty += " config_schema";
        add("descriptor.strings", empty.empty(), empty.empty() ? "name, version, config_schema set"
                                                                : "empty or null:" + empty);
        std::string missing;
        if (!d.create) missing += " create";
        if (!d.send) missing += " send";
        if (!d.flush) missing += " flush";
        if (!d.destroy) missing += " destroy";
        add("descriptor.functions", missing.empty(),
            missing.empty() ? "create, send, flush, destroy set" : "null required function:" + missing);
        return missing.empty();
    }

    void check_file_name(const overt_backend_descriptor& d) {
        if (!d.name || !*d.name) {
            add("descriptor.name_matches_file", false, "the plugin has no name");
            return;
        }
#ifdef _WIN32
        const std::string expected = std::string("overt-") + d.name + ".dll";
#else
        const std::string expected = std::string("libovert-") + d.name + ".so";
#endif
        const std::string actual = file_name_of(options_.plugin_path);
        add("descriptor.name_matches_file", actual == expected,
            actual == expected ? actual : "name \"" + std::string(d.name) + "\" needs the file name " + expected +
                                              ", the file is " + actual);
    }

    void check_schema(const overt_backend_descriptor& d) {
        if (!d.config_schema) {
            add("descriptor.schema_json", false, "config_schema is null");
            return;
        }
        std::string error;
        bool ok = is_json_object(d.config_schema, &error);
        add("descriptor.schema_json", ok, ok ? "a JSON object" : "config_schema is not a JSON object: " + error);
    }

    // A schema that refuses the plugin's own good config makes overt refuse the block at load,
    // whatever create() would say.
    void check_good_config_schema(const overt_backend_descriptor& d) {
        if (!options_.schema_check) {
            add("schema.good_config", true, "not checked: set ConformanceOptions::schema_check (overt::config_schema_problems)");
            return;
        }
        if (!d.config_schema) return;  // descriptor.schema_json says so
        const std::vector<std::string> problems = options_.schema_check(d.config_schema, options_.good_config);
        std::string listed;
        for (const std::string& problem : problems) listed += (listed.empty() ? "" : "; ") + problem;
        add("schema.good_config", problems.empty(),
            problems.empty() ? "the plugin's schema accepts " + options_.good_config
                             : "the plugin's schema refuses its good config " + options_.good_config + ": " + listed);
    }

    std::vector<std::string> bad_configs() const {
        std::vector<std::string> configs = {"this is not JSON {", "[1, 2, 3]"};
        configs.insert(configs.end(), options_.bad_configs.begin(), options_.bad_configs.end());
        return configs;
    }

    void check_bad_configs(const overt_backend_descriptor& d) {
        const std::vector<std::string> configs = bad_configs();
        for (size_t i = 0; i < configs.size(); ++i) {
            const std::string& config = configs[i];
            const std::string name = "create.bad_config[" + std::to_string(i) + "]";
            ResultBuffer result;
            void* const sentinel = &result;
            void* instance = sentinel;
            int rc = d.create(host_.api(), config.c_str(), config.size(), &instance, result.get());
            std::string problems;
            if (rc != OVERT_INVALID_CONFIG && rc != OVERT_FATAL)
                problems += std::string(" returned ") + status_name(rc) + " instead of INVALID_CONFIG or FATAL;";
            if ((*result).status != rc) problems += " result.status differs from the return value;";
            if (instance != sentinel) problems += " *instance was written;";
            if (!result.message_terminated()) problems += " message not NUL-terminated within its capacity;";
            else if (result.message().empty()) problems += " no message;";
            if (!result.canaries_intact()) problems += " wrote past the message buffer;";
            if (rc == OVERT_OK && instance != sentinel && instance) d.destroy(instance);
            add(name, problems.empty(),
                "config " + config + (problems.empty() ? " -> " + std::string(status_name(rc)) + ": " + result.message()
                                                        : " ->" + problems));
        }
    }

    // ABI 1.1's validate is optional; when offered it must say what create() says, and send
    // nothing: `overt config validate` trusts it to.
    void check_validate(const overt_backend_descriptor& d) {
        constexpr size_t kValidateEnd = offsetof(overt_backend_descriptor, validate) + sizeof d.validate;
        if (d.struct_size < kValidateEnd || !d.validate) {
            add("validate", true, "not offered (ABI 1.0): overt config validate cannot ask this plugin what it refuses");
            return;
        }
        const size_t requests_before = host_.requests().size();
        std::vector<std::pair<std::string, bool>> cases = {{options_.good_config, true}};
        for (const auto& bad : bad_configs()) cases.emplace_back(bad, false);
        for (size_t i = 0; i < cases.size(); ++i) {
            const auto& [config, good] = cases[i];
            const std::string name = good ? "validate.good_config" : "validate.bad_config[" + std::to_string(i - 1) + "]";
            ResultBuffer result;
            const int rc = d.validate(host_.api(), config.c_str(), config.size(), result.get());
            std::string problems;
            if (good && rc != OVERT_OK)
                problems += std::string(" returned ") + status_name(rc) + " where create() accepts it: " + result.message() + ";";
            if (!good && rc != OVERT_INVALID_CONFIG && rc != OVERT_FATAL)
                problems += std::string(" returned ") + status_name(rc) + " where create() refuses it;";
            if ((*result).status != rc) problems += " result.status differs from the return value;";
            if (!result.message_terminated()) problems += " message not NUL-terminated within its capacity;";
            else if (!good && result.message().empty()) problems += " no message;";
            if (!result.canaries_intact()) problems += " wrote past the message buffer;";
            add(name, problems.empty(), "config " + config + (problems.empty() ? " -> " + std::string(status_name(rc)) : " ->" + problems));
        }
        const size_t requests = host_.requests().size() - requests_before;
        add("validate.sends_nothing", requests == 0,
            requests == 0 ? "no HTTP request" : std::to_string(requests) + " HTTP request(s) while validating");
    }

    void* create_good(const overt_backend_descriptor& d) {
        ResultBuffer result;
        void* instance = nullptr;
        const std::string& config = options_.good_config;
        int rc = d.create(host_.api(), config.c_str(), config.size(), &instance, result.get());
        std::string problems;
        if (rc != OVERT_OK) problems += std::string(" returned ") + status_name(rc) + ": " + result.message() + ";";
        if ((*result).status != rc) problems += " result.status differs from the return value;";
        if (rc == OVERT_OK && !instance) problems += " no instance;";
        if (!result.canaries_intact()) problems += " wrote past the message buffer;";
        add("create.good_config", problems.empty(), "config " + config + (problems.empty() ? "" : " ->" + problems));
        if (!problems.empty()) {
            if (rc == OVERT_OK && instance) d.destroy(instance);
            add("lifecycle", false, "skipped send/flush/describe/destroy: create failed with the good config");
            return nullptr;
        }
        return instance;
    }

    void check_describe(const overt_backend_descriptor& d, void* instance) {
        if (!d.describe) {
            add("describe", true, "not provided (optional)");
            return;
        }
        const size_t needed = d.describe(instance, nullptr, 0);
        std::string full(needed + 1, '\xA5');
        size_t again = d.describe(instance, &full[0], full.size());
        std::string problems;
        if (again != needed) problems += " length differs between calls;";
        if (full[needed] != '\0' || std::strlen(full.c_str()) != needed)
            problems += " text not NUL-terminated at the length it returned;";

        // A tiny buffer: truncated, NUL-terminated, nothing written past it.
        std::string tiny(4 + 8, '\xA5');
        d.describe(instance, &tiny[0], 4);
        if (std::memchr(tiny.data(), '\0', 4) == nullptr) problems += " not NUL-terminated in a 4-byte buffer;";
        for (size_t i = 4; i < tiny.size(); ++i)
            if (tiny[i] != '\xA5') {
                problems += " wrote past a 4-byte buffer;";
                break;
            }
        add("describe", problems.empty(), problems.empty() ? "\"" + std::string(full.c_str()) + "\"" : problems);
    }

    void check_send(const overt_backend_descriptor& d, void* instance, const std::string& name, size_t count) {
        EventBatch batch(count, (d.capabilities & OVERT_CAP_NO_EVENT_JSON) == 0);
        ResultBuffer result;
        const overt_event* events = batch.data();
        overt_event placeholder{};
        if (!events) events = &placeholder;  // a valid pointer even for an empty batch
        int rc = d.send(instance, events, count, deadline(), result.get());
        check_status(name, rc, result, count);
    }

    void check_flush(const overt_backend_descriptor& d, void* instance) {
        ResultBuffer result;
        int rc = d.flush(instance, deadline(), result.get());
        check_status("flush", rc, result, 0);
    }

    void check_status(const std::string& name, int rc, const ResultBuffer& result, size_t count) {
        std::string problems;
        if (rc != OVERT_OK && rc != OVERT_RETRY && rc != OVERT_REJECTED && rc != OVERT_FATAL)
            problems += std::string(" returned ") + status_name(rc) + " (" + std::to_string(rc) + ");";
        if ((*result).status != rc) problems += " result.status differs from the return value;";
        if ((*result).accepted_count > count)
            problems += " accepted_count " + std::to_string((*result).accepted_count) + " > " + std::to_string(count) + ";";
        if (!result.message_terminated()) problems += " message not NUL-terminated within its capacity;";
        if (!result.canaries_intact()) problems += " wrote past the message buffer;";
        std::string note = std::to_string(count) + " events -> " + status_name(rc);
        if (rc != OVERT_OK && result.message_terminated()) note += ": " + result.message();
        add(name, problems.empty(), problems.empty() ? note : note + " ->" + problems);
    }

    void check_host_use() {
        std::string problems;
        for (const LogEntry& entry : host_.logs())
            if (entry.level < OVERT_LOG_TRACE || entry.level > OVERT_LOG_ERROR) {
                problems += " log level " + std::to_string(entry.level) + " out of range;";
                break;
            }
        if (host_.unreleased_responses() != 0)
            problems += " " + std::to_string(host_.unreleased_responses()) + " HTTP responses never released;";
        add("host_api_use", problems.empty(),
            problems.empty() ? std::to_string(host_.logs().size()) + " log lines, " +
                                   std::to_string(host_.requests().size()) + " HTTP requests"
                             : problems);
    }

    const ConformanceOptions& options_;
    FakeHost host_;
    std::vector<CheckResult> results_;
};

}  // namespace detail

// Runs every check against options.plugin_path. Never throws for a misbehaving plugin:
// each problem is a failed CheckResult naming what and why.
inline std::vector<CheckResult> run_conformance(const ConformanceOptions& options) {
    return detail::Runner(options).run();
}

inline bool all_passed(const std::vector<CheckResult>& results) {
    if (results.empty()) return false;
    for (const CheckResult& r : results)
        if (!r.passed) return false;
    return true;
}

// One line per check: "PASS name: message" / "FAIL name: message".
inline std::string format_report(const std::vector<CheckResult>& results) {
    std::string out;
    for (const CheckResult& r : results)
        out += (r.passed ? "PASS " : "FAIL ") + r.name + ": " + r.message + "\n";
    return out;
}

}  // namespace overt::testing

#endif  // OVERT_TESTING_CONFORMANCE_HPP
