// SPDX-License-Identifier: MIT
#include "plugin/plugin_sink.hpp"

#include "plugin/call_observer.hpp"
#include "support/bounded_call.hpp"
#include "support/logger.hpp"
#include "support/mask_secrets.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

namespace overt::plugin {

namespace {

overt_str view(std::string_view s) noexcept { return overt_str{s.data(), s.size()}; }

bool key_less(const overt_kv& a, const overt_kv& b) noexcept {
    return std::string_view(a.key.data, a.key.size) < std::string_view(b.key.data, b.key.size);
}

int64_t to_ns(Deadline deadline) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
}

constexpr size_t kMaxDescribe = 4096;

}  // namespace

PluginSink::PluginSink(std::string id, const LoadedPlugin& plugin, std::unique_ptr<HostApi> host, void* instance,
                       std::chrono::milliseconds call_limit)
    : id_(std::move(id)), plugin_(plugin), host_(std::move(host)), instance_(instance), call_limit_(call_limit) {}

PluginSink::~PluginSink() {
    std::lock_guard lock(mutex_);
    if (abandoned_) return;
    // The call owns copies of all it uses: abandoned, it may run on after this sink is gone.
    auto destroy = [descriptor = plugin_.descriptor, instance = instance_, host = host_, id = id_,
                    path = plugin_.info.path] {
        ObservedCall observed(id, PluginCall::destroy, path);
        try {
            descriptor->destroy(instance);
        } catch (...) {
            // A C++ exception escaping a C entry point: nothing left to do but go on.
        }
    };
    if (!support::run_bounded(std::move(destroy), Clock::now() + call_limit_)) {
        detail::logger()->warn("overt: backend {}: destroy() did not return within {} ms; abandoned", id_,
                               call_limit_.count());
    }
}

std::string PluginSink::describe() const {
    std::lock_guard lock(mutex_);
    if (!plugin_.has_describe || abandoned_) return plugin_.info.name;
    auto describe = [descriptor = plugin_.descriptor, instance = instance_, host = host_, id = id_,
                     path = plugin_.info.path, name = plugin_.info.name]() -> std::string {
        ObservedCall observed(id, PluginCall::describe, path);
        try {
            std::array<char, 256> buffer{};
            size_t needed = descriptor->describe(instance, buffer.data(), buffer.size());
            if (needed == 0) return name;
            if (needed < buffer.size()) return std::string(buffer.data(), strnlen(buffer.data(), needed));
            std::string text(std::min(needed, kMaxDescribe) + 1, '\0');
            descriptor->describe(instance, text.data(), text.size());
            text.resize(strnlen(text.data(), text.size() - 1));
            return text.empty() ? name : text;
        } catch (...) {
            return name;
        }
    };
    // A description names the endpoint, which may carry credentials.
    if (auto text = support::call_bounded<std::string>(std::move(describe), Clock::now() + call_limit_))
        return support::mask_secrets(*text);
    // Still running in the instance: no other call may enter it, destroy() included.
    abandoned_ = true;
    fatal_ = true;
    fatal_message_ = "describe() did not return within " + std::to_string(call_limit_.count()) + " ms";
    detail::logger()->warn("overt: backend {}: {}; abandoned", id_, fatal_message_);
    return plugin_.info.name + " (" + fatal_message_ + ")";
}

overt_result PluginSink::fresh_result() {
    message_[0] = '\0';
    overt_result result{};
    result.struct_size = sizeof(overt_result);
    result.status = OVERT_OK;
    result.retry_after_ms = -1;
    result.message = message_.data();
    result.message_capacity = message_.size();
    return result;
}

void PluginSink::build_batch(std::span<const Event> events) {
    text_.clear();
    text_offsets_.clear();
    args_.clear();
    metadata_.clear();
    // A plugin declaring OVERT_CAP_NO_EVENT_JSON never reads .json: rendering it was most of
    // the batch build, so that plugin gets only the timestamp text.
    const bool with_json = (plugin_.info.capabilities & OVERT_CAP_NO_EVENT_JSON) == 0;
    // Room for every view target up front, so one pass can point into them as it goes instead
    // of a second pass for the pointers. Only the JSON's size is not known beforehand: its
    // views are set once text_ is complete.
    size_t arg_count = 0;
    size_t meta_count = 0;
    for (const Event& e : events) {
        arg_count += e.args().size();
        if (e.metadata) meta_count += e.metadata->size();
    }
    args_.reserve(arg_count);
    metadata_.reserve(meta_count);
    if (!with_json) text_.reserve(events.size() * kTimestampRoom);
    const size_t reserved = text_.capacity();

    static const std::string empty;
    // Events of one tool share their metadata object: its sorted views are made once.
    const Metadata* last_metadata = nullptr;
    const overt_kv* last_kv = nullptr;
    // Filled in place: a push_back of each 200-byte struct was a copy per event. A steady
    // batch size makes the resize free; every struct is reset before it is filled.
    batch_.resize(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        const Event& e = events[i];
        overt_event& c = batch_[i];
        c = overt_event{};
        c.struct_size = sizeof(overt_event);
        c.event_id = view(e.event_id.view());
        c.timestamp_unix_nano = e.timestamp_unix_nano;
        c.type = view(e.type.view());
        c.name = view(e.name);
        const Origin* origin = e.origin.get();
        c.machine_id = view(origin ? origin->machine_id : empty);
        c.tool_name = view(origin ? origin->tool_name : empty);
        c.version = view(origin ? origin->version : empty);
        c.os = view(origin ? origin->os : empty);
        c.arch = view(origin ? origin->arch : empty);
        c.runtime_version = view(origin ? origin->runtime_version : empty);
        c.os_version = view(origin ? origin->os_version : empty);
        c.duration_ms = e.duration_ms;
        c.exit_code = e.exit_code;
        c.args = args_.data() + args_.size();
        for (const auto& arg : e.args()) args_.push_back(view(arg));  // within the reserve: no reallocation
        c.args_count = e.args().size();
        c.error = view(e.error());
        if (const Metadata* metadata = e.metadata.get(); metadata && !metadata->empty()) {
            if (metadata != last_metadata) {
                const size_t first = metadata_.size();
                for (const auto& [key, value] : *metadata) metadata_.push_back({view(key), view(value)});
                auto begin = metadata_.begin() + static_cast<std::ptrdiff_t>(first);
                if (!std::is_sorted(begin, metadata_.end(), key_less)) std::sort(begin, metadata_.end(), key_less);
                last_metadata = metadata;
                last_kv = metadata_.data() + first;
            }
            c.metadata = last_kv;
            c.metadata_count = metadata->size();
        } else {
            c.metadata = metadata_.data() + metadata_.size();
        }
        if (with_json) {
            // The event's JSON already holds its RFC 3339 timestamp: point into it rather than
            // format it a second time (it was ~8 % of a batch). text_ may reallocate: offsets.
            static constexpr std::string_view kTimestampKey = "\"timestamp\":\"";
            const size_t json_at = text_.size();
            append_json(text_, e);
            const size_t json_end = text_.size();
            text_offsets_.push_back(json_at);
            text_offsets_.push_back(json_end);
            const std::string_view json(text_.data() + json_at, json_end - json_at);
            const size_t key = json.find(kTimestampKey);
            const size_t value_end = key == std::string_view::npos ? key : json.find('"', key + kTimestampKey.size());
            if (value_end != std::string_view::npos) {
                text_offsets_.push_back(json_at + key + kTimestampKey.size());
                text_offsets_.push_back(json_at + value_end);
            } else {
                text_offsets_.push_back(text_.size());
                append_timestamp(text_, e.timestamp_unix_nano);
                text_offsets_.push_back(text_.size());
            }
        } else {
            const size_t at = text_.size();
            append_timestamp(text_, e.timestamp_unix_nano);  // within the reserve: no reallocation
            c.timestamp = overt_str{text_.data() + at, text_.size() - at};
        }
    }
    if (!with_json) {
        // Only if a timestamp outgrew kTimestampRoom: the texts lie back to back, in order.
        if (text_.capacity() != reserved) {
            size_t at = 0;
            for (overt_event& c : batch_) {
                c.timestamp.data = text_.data() + at;
                at += c.timestamp.size;
            }
        }
        return;
    }
    for (size_t i = 0; i < events.size(); ++i) {
        const size_t* at = &text_offsets_[4 * i];
        batch_[i].json = overt_str{text_.data() + at[0], at[1] - at[0]};
        batch_[i].timestamp = overt_str{text_.data() + at[2], at[3] - at[2]};
    }
}

SendResult PluginSink::finish(int returned, size_t count, const char* call) {
    message_.back() = '\0';  // whatever the plugin wrote, the text ends inside the buffer
    // Plugins build their messages from endpoints and responses: what they say is masked here.
    std::string message = support::mask_secrets(message_.data());
    SendResult out;
    out.message = message;
    switch (returned) {
        case OVERT_OK:
            out.message.clear();
            return out;
        case OVERT_RETRY:
        case OVERT_REJECTED:
            out.status = returned == OVERT_RETRY ? SendStatus::retry : SendStatus::rejected;
            out.retry_after_ms = (returned == OVERT_RETRY && last_result_.retry_after_ms >= 0) ? last_result_.retry_after_ms : -1;
            out.accepted = static_cast<size_t>(std::min<uint64_t>(last_result_.accepted_count, count));
            return out;
        case OVERT_FATAL:
            out.message = message.empty() ? plugin_.info.name + ": " + call + " reported a fatal error" : message;
            break;
        case OVERT_INVALID_CONFIG:
            out.message = std::string(call) + " returned INVALID_CONFIG" + (message.empty() ? "" : ": " + message);
            break;
        default:
            out.message = std::string(call) + " returned unknown status " + std::to_string(returned) +
                          (message.empty() ? "" : ": " + message);
            break;
    }
    // The instance is unusable from here on.
    out.status = SendStatus::fatal;
    fatal_ = true;
    fatal_message_ = out.message;
    return out;
}

SendResult PluginSink::send(std::span<const Event> events, Deadline deadline) {
    std::lock_guard lock(mutex_);
    if (fatal_) return SendResult{SendStatus::fatal, -1, 0, fatal_message_};
    if (events.empty()) return SendResult::ok();
    build_batch(events);
    last_result_ = fresh_result();
    int returned = OVERT_FATAL;
    try {
        ObservedCall observed(id_, PluginCall::send, plugin_.info.path);
        returned = plugin_.descriptor->send(instance_, batch_.data(), batch_.size(), to_ns(deadline), &last_result_);
    } catch (...) {
        std::snprintf(message_.data(), message_.size(), "send let a C++ exception escape the C ABI");
    }
    return finish(returned, events.size(), "send");
}

SendResult PluginSink::flush(Deadline deadline) {
    std::lock_guard lock(mutex_);
    if (fatal_) return SendResult{SendStatus::fatal, -1, 0, fatal_message_};
    last_result_ = fresh_result();
    int returned = OVERT_FATAL;
    try {
        ObservedCall observed(id_, PluginCall::flush, plugin_.info.path);
        returned = plugin_.descriptor->flush(instance_, to_ns(deadline), &last_result_);
    } catch (...) {
        std::snprintf(message_.data(), message_.size(), "flush let a C++ exception escape the C ABI");
    }
    return finish(returned, 0, "flush");
}

}  // namespace overt::plugin
