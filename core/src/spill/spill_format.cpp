// SPDX-License-Identifier: MIT
#include "spill/spill_format.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>

namespace overt::spill {
namespace {

using json = nlohmann::json;

std::string header(std::string_view tool, std::span<const std::string> pending) {
    json pending_json = json::array();
    for (const auto& id : pending) pending_json.push_back(id);
    std::string out = "{\"overt_spill\":" + std::to_string(kFormatVersion) + ",\"tool\":";
    out += json(std::string(tool)).dump(-1, ' ', false, json::error_handler_t::replace);
    out += ",\"pending\":";
    out += pending_json.dump(-1, ' ', false, json::error_handler_t::replace);
    out += ",\"events\":[";
    return out;
}

bool string_field(const json& object, const char* key, std::string& out, std::string& error) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return true;
    if (!it->is_string()) {
        error = std::string("field \"") + key + "\" is not a string";
        return false;
    }
    out = it->get<std::string>();
    return true;
}

template <typename Int>
bool int_field(const json& object, const char* key, Int& out, std::string& error) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return true;
    if (!it->is_number_integer()) {
        error = std::string("field \"") + key + "\" is not an integer";
        return false;
    }
    out = it->get<Int>();
    return true;
}

// Events of one file usually share one origin: reuse the pointer instead of copying.
class OriginPool {
   public:
    std::shared_ptr<const Origin> intern(Origin origin) {
        for (const auto& known : pool_) {
            if (known->machine_id == origin.machine_id && known->tool_name == origin.tool_name &&
                known->version == origin.version && known->os == origin.os && known->arch == origin.arch &&
                known->runtime_version == origin.runtime_version && known->os_version == origin.os_version)
                return known;
        }
        pool_.push_back(std::make_shared<const Origin>(std::move(origin)));
        return pool_.back();
    }

   private:
    std::vector<std::shared_ptr<const Origin>> pool_;
};

bool decode_event(const json& object, OriginPool& origins, Event& event, std::string& error) {
    if (!object.is_object()) {
        error = "is not a JSON object";
        return false;
    }
    std::string timestamp;
    if (!string_field(object, "timestamp", timestamp, error)) return false;
    if (!parse_timestamp(timestamp, event.timestamp_unix_nano)) {
        error = "field \"timestamp\" is not an RFC 3339 time: \"" + timestamp + "\"";
        return false;
    }
    Origin origin;
    std::string type, event_error, event_id;
    if (!string_field(object, "type", type, error) || !string_field(object, "name", event.name, error) ||
        !string_field(object, "machine_id", origin.machine_id, error) ||
        !string_field(object, "tool_name", origin.tool_name, error) ||
        !string_field(object, "version", origin.version, error) || !string_field(object, "os", origin.os, error) ||
        !string_field(object, "arch", origin.arch, error) ||
        !string_field(object, "go_version", origin.runtime_version, error) ||
        !string_field(object, "os_version", origin.os_version, error) ||
        !string_field(object, "error", event_error, error) ||
        !string_field(object, "event_id", event_id, error) ||
        !int_field(object, "duration_ms", event.duration_ms, error) ||
        !int_field(object, "exit_code", event.exit_code, error))
        return false;
    if (auto it = object.find("args"); it != object.end() && !it->is_null()) {
        if (!it->is_array()) {
            error = "field \"args\" is not an array";
            return false;
        }
        std::vector<std::string> args;
        for (const auto& arg : *it) {
            if (!arg.is_string()) {
                error = "field \"args\" holds a non-string";
                return false;
            }
            args.push_back(arg.get<std::string>());
        }
        event.set_args(std::move(args));
    }
    event.set_error(std::move(event_error));
    if (auto it = object.find("metadata"); it != object.end() && !it->is_null()) {
        if (!it->is_object()) {
            error = "field \"metadata\" is not an object";
            return false;
        }
        auto metadata = std::make_shared<Metadata>();
        for (const auto& [key, value] : it->items()) {  // nlohmann keeps keys sorted
            if (!value.is_string()) {
                error = "metadata \"" + key + "\" is not a string";
                return false;
            }
            metadata->emplace_back(key, value.get<std::string>());
        }
        if (!metadata->empty()) event.metadata = std::move(metadata);
    }
    // An id is kept byte for byte or the event is not read: a new id would let a receiver
    // take it twice, a cut one could clash with another event's.
    if (!event.event_id.assign(event_id)) {
        error = "field \"event_id\" does not fit an event id (" + std::to_string(event_id.size()) +
                " bytes, at most " + std::to_string(EventId::kCapacity) + ", no NUL)";
        return false;
    }
    // Seed files carry no event_id: give one now; it is kept if the file is rewritten.
    if (event.event_id.empty()) event.event_id = generate_event_id();
    // Past the process's cap on custom types the event is not read, like any other it cannot hold.
    if (!type.empty()) {
        try {
            event.type = type;
        } catch (const EventTypeLimitError& e) {
            error = e.what();
            return false;
        }
    }
    event.origin = origins.intern(std::move(origin));
    return true;
}

}  // namespace

std::string encode(std::string_view tool, std::span<const std::string> pending, std::span<const Event> events) {
    std::string out = header(tool, pending);
    out.reserve(out.size() + events.size() * 400 + 2);
    for (size_t i = 0; i < events.size(); ++i) {
        if (i) out.push_back(',');
        append_json(out, events[i]);
    }
    out += "]}";
    return out;
}

std::vector<Chunk> encode_chunks(std::string_view tool, std::span<const std::string> pending,
                                 std::span<const Event> events) {
    std::vector<Chunk> chunks;
    const std::string head = header(tool, pending);
    Chunk current{head, 0};
    std::string one;
    for (const Event& event : events) {
        one.clear();
        append_json(one, event);
        // +1 for the comma, +2 for the closing "]}"
        if (current.event_count > 0 && current.text.size() + 1 + one.size() + 2 > kMaxFileBytes) {
            current.text += "]}";
            chunks.push_back(std::move(current));
            current = Chunk{head, 0};
        }
        if (current.event_count > 0) current.text.push_back(',');
        current.text += one;
        ++current.event_count;
    }
    if (current.event_count > 0) {
        current.text += "]}";
        chunks.push_back(std::move(current));
    }
    return chunks;
}

bool decode(std::string_view text, SpillContent& out, std::string& error) {
    json document;
    try {
        document = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
        error = std::string("invalid JSON: ") + e.what();
        return false;
    }
    out = SpillContent{};
    const json* events = nullptr;
    if (document.is_array()) {
        out.legacy = true;
        events = &document;
    } else if (document.is_object()) {
        auto version = document.find("overt_spill");
        if (version == document.end() || !version->is_number_integer()) {
            error = "not a spill file: no integer \"overt_spill\" version";
            return false;
        }
        if (version->get<int64_t>() != kFormatVersion) {
            error = "unknown spill format version " + version->dump();
            return false;
        }
        if (!string_field(document, "tool", out.tool, error)) return false;
        auto pending = document.find("pending");
        if (pending == document.end() || !pending->is_array()) {
            error = "field \"pending\" is missing or not an array";
            return false;
        }
        for (const auto& id : *pending) {
            if (!id.is_string()) {
                error = "field \"pending\" holds a non-string";
                return false;
            }
            out.pending.push_back(id.get<std::string>());
        }
        auto found = document.find("events");
        if (found == document.end() || !found->is_array()) {
            error = "field \"events\" is missing or not an array";
            return false;
        }
        events = &*found;
    } else {
        error = "neither a spill object nor a legacy array of events";
        return false;
    }
    OriginPool origins;
    out.events.reserve(events->size());
    for (size_t i = 0; i < events->size(); ++i) {
        Event event;
        std::string event_error;
        if (!decode_event((*events)[i], origins, event, event_error)) {
            if (!out.undecodable_events++) out.undecodable_reason = "event " + std::to_string(i) + ": " + event_error;
            continue;
        }
        out.events.push_back(std::move(event));
    }
    if (out.undecodable_events && out.events.empty()) {
        error = out.undecodable_reason;  // nothing to salvage: the file is corrupt
        return false;
    }
    return true;
}

}  // namespace overt::spill
