// Recording: the privacy-filtered event goes into a bounded buffer under a short lock; a full
// buffer is swapped out and spilled outside the lock.
#include "collector/collector_impl.hpp"

#include "collector/counters_file.hpp"
#include "support/logger.hpp"
#include "delivery/sender_spawn.hpp"

#include <overt/redact.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>

namespace overt {
namespace {

constexpr size_t kMaxSinks = 64;  // pending sets are bit masks
constexpr size_t kBufferReserve = 4096;  // events reserved up front (no growth on the hot path)

int64_t unix_nano_now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Metadata sorted_unique(Metadata metadata) {
    // Later entries win for a repeated key, like assigning into a map.
    std::stable_sort(metadata.begin(), metadata.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Metadata out;
    out.reserve(metadata.size());
    for (auto& entry : metadata) {
        if (!out.empty() && out.back().first == entry.first)
            out.back().second = std::move(entry.second);
        else
            out.push_back(std::move(entry));
    }
    return out;
}

}  // namespace

Collector::Collector(Config config, std::vector<std::unique_ptr<Sink>> sinks, CollectorOptions options)
    : impl_(std::make_unique<Impl>()) {
    Impl& impl = *impl_;
    impl.config = std::move(config);
    impl.enabled = options.consent_granted;
    impl.data_dir = std::move(options.data_dir);
    impl.machine_id = std::move(options.machine_id);
    impl.consent_reason = std::move(options.consent_reason);
    if (impl.config.buffer_max_events == 0) impl.config.buffer_max_events = 1;
    if (!impl.enabled) {
        // Seed bug B1: a disabled collector must record nothing. Sinks are released unused.
        impl.backend_info = "noop (disabled)";
        impl.closed = true;
        return;
    }
    impl.origin = std::make_shared<const Origin>(
        make_origin(impl.machine_id, impl.config.tool_name, impl.config.tool_version));
    Metadata base = impl.config.metadata;
    // Keys are free text too ("deploy bob@example.com": ...): redacted like the values.
    for (auto& [key, value] : base) {
        key = redact(key);
        value = redact(value);
    }
    impl.base_metadata = std::make_shared<const Metadata>(sorted_unique(std::move(base)));

    for (auto& sink : sinks) {
        if (!sink) continue;
        if (impl.sinks.size() >= kMaxSinks) {
            detail::logger()->error("overt: more than {} backends configured; ignoring {}", kMaxSinks, sink->id());
            continue;
        }
        if (std::find(impl.sink_ids.begin(), impl.sink_ids.end(), sink->id()) != impl.sink_ids.end()) {
            detail::logger()->error("overt: two backends share the id \"{}\"; ignoring the second", sink->id());
            continue;
        }
        impl.sink_ids.push_back(sink->id());
        impl.sink_info.push_back(sink->describe());
        impl.sink_unavailable.push_back(false);
        impl.sinks.push_back(std::move(sink));
    }
    for (size_t i = 0; i < options.unavailable_sink_ids.size() && impl.sink_ids.size() < kMaxSinks; ++i) {
        impl.sink_ids.push_back(options.unavailable_sink_ids[i]);
        impl.sink_info.push_back(i < options.unavailable_sink_info.size()
                                     ? options.unavailable_sink_info[i]
                                     : options.unavailable_sink_ids[i] + " (unavailable)");
        impl.sink_unavailable.push_back(true);
        impl.sinks.push_back(nullptr);
    }
    std::string info;
    for (const auto& text : impl.sink_info) info += (info.empty() ? "" : ", ") + text;
    impl.backend_info = info.empty() ? "noop (no backends)" : info;

    if (!impl.data_dir.empty())
        impl.store = std::make_unique<spill::SpillStore>(impl.data_dir, impl.config.tool_name);
    impl.buffer.reserve(std::min<size_t>(impl.config.buffer_max_events, kBufferReserve));
}

Collector::~Collector() {
    try {
        close();
    } catch (const std::exception& e) {
        detail::logger()->error("overt: closing the collector failed: {}", e.what());
    } catch (...) {
    }
}

bool Collector::enabled() const noexcept { return impl_->enabled; }

std::shared_ptr<const Metadata> Collector::Impl::merge_metadata(const Metadata& extra) const {
    if (extra.empty()) return base_metadata;  // shared, no per-event copy
    Metadata merged = *base_metadata;
    merged.reserve(merged.size() + extra.size());
    for (const auto& [key, value] : extra) merged.emplace_back(redact(key), redact(value));  // seed bug B7
    return std::make_shared<const Metadata>(sorted_unique(std::move(merged)));
}

Event Collector::Impl::make_event(std::string_view type, std::string_view name, const Metadata& extra) const {
    Event event;
    event.event_id = new_event_id();
    event.timestamp_unix_nano = unix_nano_now();
    event.type = type;
    event.name = redact(name);  // a name is free text a tool may fill with anything
    event.origin = origin;
    event.metadata = merge_metadata(extra);
    return event;
}

void Collector::Impl::record(Event&& event) {
    std::vector<Event> full;
    {
        std::lock_guard lock(mutex);
        if (closed.load(std::memory_order_relaxed)) return;  // after close(): nowhere to deliver
        ++counters.tracked;
        if (!store && buffer.size() >= config.buffer_max_events) {
            // Seed bug B2: nowhere to spill, so the newest replaces the oldest (a ring, O(1))
            // and the oldest is counted as dropped.
            buffer[ring_start] = std::move(event);
            ring_start = (ring_start + 1) % buffer.size();
            ++no_data_dir_drops;
            return;
        }
        buffer.push_back(std::move(event));
        ++counters.buffered;
        if (store && buffer.size() >= config.buffer_max_events) {
            full.swap(buffer);
            buffer.reserve(std::min<size_t>(config.buffer_max_events, kBufferReserve));
        }
    }
    if (!full.empty()) spill(std::move(full), sink_ids, drop_reason::spill_write_failed);
}

void Collector::track(std::string_view type, std::string_view name, const Metadata& extra) {
    if (!impl_->enabled) return;
    impl_->record(impl_->make_event(type, name, extra));
}

void Collector::track_command(std::string_view name, int64_t duration_ms, int32_t exit_code, const Metadata& extra) {
    if (!impl_->enabled) return;
    Event event = impl_->make_event(event_type::command_invocation, name, extra);
    event.duration_ms = duration_ms;
    event.exit_code = exit_code;
    impl_->record(std::move(event));
}

void Collector::track_command_extended(std::string_view name, std::span<const std::string> args, int64_t duration_ms,
                                       int32_t exit_code, std::string_view error, const Metadata& extra) {
    if (!impl_->enabled) return;
    Event event = impl_->make_event(event_type::command_invocation, name, extra);
    event.duration_ms = duration_ms;
    event.exit_code = exit_code;
    if (impl_->config.extended_collection) {
        event.args = redact_args(args);  // also the value after a separated "--password"
        event.error = redact(error);
    }
    impl_->record(std::move(event));
}

uint64_t Collector::Impl::spill(std::vector<Event> events, const std::vector<std::string>& pending,
                                std::string_view fallback_reason, const SpillOptions& options) {
    if (events.empty()) return 0;
    std::vector<spill::WrittenFile> written;
    std::string error = "no data dir";
    if (store) written = store->write(events, pending, error, options.durability);
    if (options.written_names)
        for (const auto& file : written) options.written_names->push_back(file.name);
    uint64_t spilled = 0;
    for (const auto& file : written) spilled += file.event_count;
    uint64_t lost = events.size() - spilled;
    {
        std::lock_guard lock(mutex);
        counters.buffered -= events.size();
        counters.spilled += spilled;
        for (const auto& file : written) own_files[file.name] = file.event_count;
        if (lost) counters.dropped[std::string(fallback_reason)] += lost;
    }
    if (lost)
        detail::logger()->error("overt: {} event(s) of {} could not be spilled and are dropped ({}): {}", lost,
                                config.tool_name, fallback_reason, error);
    if (!written.empty() && options.apply_caps) enforce_caps();
    return spilled;
}

void Collector::Impl::enforce_caps() {
    if (!store) return;
    // Our own files' counts are in own_files: decoding a pruned file just to count it made
    // every spill past the cap cost a full JSON parse of the oldest file.
    auto pruned = store->enforce_caps(config.spill_max_files, config.spill_max_bytes,
                                      [this](const std::string& name, size_t& event_count) {
                                          std::lock_guard lock(mutex);
                                          auto own = own_files.find(name);
                                          if (own == own_files.end()) return false;
                                          event_count = static_cast<size_t>(own->second);
                                          return true;
                                      });
    if (pruned.empty()) return;
    uint64_t events = 0;
    {
        std::lock_guard lock(mutex);
        for (const auto& file : pruned) {
            auto own = own_files.find(file.name);
            uint64_t count = file.event_count;
            if (own != own_files.end()) {
                count = own->second;
                counters.spilled -= count;
                own_files.erase(own);
            } else {
                // Left by an earlier run: it enters our books only to leave them.
                counters.tracked += count;
                counters.recovered += count;
            }
            counters.dropped[std::string(drop_reason::spill_cap)] += count;
            events += count;
        }
    }
    detail::logger()->warn(
        "overt: spill cap reached (max_files {}, max_bytes {}): removed {} oldest spill file(s), discarding {} "
        "unsent event(s)",
        config.spill_max_files, config.spill_max_bytes, pruned.size(), events);
}

void Collector::Impl::persist_counters() {
    if (!enabled || data_dir.empty()) return;
    PersistedCounters delta;
    {
        std::lock_guard lock(mutex);
        settle_ring_locked();
        delta.tracked = counters.tracked - persisted_base.tracked;
        delta.recovered = counters.recovered - persisted_base.recovered;
        delta.sent = counters.sent - persisted_base.sent;
        delta.handed_off = counters.handed_off - persisted_base.handed_off;
        delta.corrupt_files = counters.corrupt_files - persisted_base.corrupt_files;
        for (const auto& [reason, count] : counters.dropped) {
            auto base = persisted_base.dropped.find(reason);
            uint64_t diff = count - (base == persisted_base.dropped.end() ? 0 : base->second);
            if (diff) delta.dropped[reason] = diff;
        }
    }
    if (!detail::add_to_persisted_counters(data_dir, delta)) return;
    std::lock_guard lock(mutex);
    persisted_base.tracked += delta.tracked;
    persisted_base.recovered += delta.recovered;
    persisted_base.sent += delta.sent;
    persisted_base.handed_off += delta.handed_off;
    persisted_base.corrupt_files += delta.corrupt_files;
    for (const auto& [reason, count] : delta.dropped) persisted_base.dropped[reason] += count;
}

void Collector::Impl::drop() {
    drop_generation.fetch_add(1);  // queued retries in a running flush give up
    uint64_t dropped = 0;
    {
        std::lock_guard lock(mutex);
        dropped = take_buffer_locked().size();
        counters.buffered -= dropped;
    }
    std::vector<std::string> removed;
    if (!data_dir.empty() && std::filesystem::is_directory(data_dir)) {
        // Also for a disabled collector: disabling must not leave old spill files behind.
        removed = spill::SpillStore(data_dir, config.tool_name).erase_all();
        std::error_code ignored;
        std::filesystem::remove(std::filesystem::path(data_dir) / delivery::kSenderLogName, ignored);
    }
    std::lock_guard lock(mutex);
    for (const auto& name : removed) {
        auto own = own_files.find(name);
        if (own == own_files.end()) continue;
        counters.spilled -= own->second;
        dropped += own->second;
        own_files.erase(own);
    }
    if (dropped) counters.dropped[std::string(drop_reason::consent_withdrawn)] += dropped;
}

void Collector::drop() { impl_->drop(); }

std::string Collector::backend_info() const {
    std::lock_guard lock(impl_->info_mutex);
    return impl_->backend_info;
}

Counters Collector::counters() const {
    std::lock_guard lock(impl_->mutex);
    Counters counters = impl_->counters;
    if (impl_->no_data_dir_drops) counters.dropped[std::string(drop_reason::no_data_dir_overflow)] += impl_->no_data_dir_drops;
    return counters;
}

void Collector::Impl::settle_ring_locked() {
    if (ring_start) std::rotate(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(ring_start), buffer.end());
    ring_start = 0;
    if (no_data_dir_drops) counters.dropped[std::string(drop_reason::no_data_dir_overflow)] += no_data_dir_drops;
    no_data_dir_drops = 0;
}

std::vector<Event> Collector::Impl::take_buffer_locked() {
    settle_ring_locked();
    std::vector<Event> taken;
    taken.swap(buffer);
    // Reserved here, off the hot path, so the next tracks do not grow the vector.
    buffer.reserve(std::min<size_t>(config.buffer_max_events, kBufferReserve));
    return taken;
}

const Config& Collector::config() const noexcept { return impl_->config; }
const std::string& Collector::data_dir() const noexcept { return impl_->data_dir; }
const std::string& Collector::machine_id() const noexcept { return impl_->machine_id; }
const std::string& Collector::consent_reason() const noexcept { return impl_->consent_reason; }
std::shared_ptr<const Origin> Collector::origin() const noexcept { return impl_->origin; }

std::vector<Event> Collector::pending_events() const {
    std::vector<Event> events;
    if (!impl_->data_dir.empty()) {
        spill::SpillStore reader(impl_->data_dir, impl_->config.tool_name);
        for (const auto& name : reader.list()) {
            spill::SpillContent content;
            std::string error;
            if (!reader.peek(name, content, error)) {
                detail::logger()->warn("overt: spill file {} is unreadable: {}", name, error);
                continue;
            }
            if (!content.legacy && !content.tool.empty() && content.tool != impl_->config.tool_name) continue;
            for (auto& event : content.events) events.push_back(std::move(event));
        }
    }
    std::lock_guard lock(impl_->mutex);
    impl_->settle_ring_locked();
    events.insert(events.end(), impl_->buffer.begin(), impl_->buffer.end());
    return events;
}

size_t Collector::spill_files_waiting() const {
    if (impl_->data_dir.empty()) return 0;
    return spill::SpillStore(impl_->data_dir, impl_->config.tool_name).list().size();
}

bool FlushReport::ok() const {
    if (events_spilled || events_dropped || corrupt_files) return false;
    for (const auto& sink : sinks)
        if (sink.failed || sink.fatal) return false;
    return true;
}

std::string FlushReport::summary() const {
    std::ostringstream out;
    out << "sent " << events_sent << ", spilled for later " << events_spilled << ", dropped " << events_dropped;
    if (spill_files_done) out << ", spill files done " << spill_files_done;
    if (corrupt_files) out << ", corrupt spill files moved aside " << corrupt_files;
    if (deadline_reached) out << " (deadline reached)";
    out << "\n";
    for (const auto& sink : sinks) {
        out << "  " << sink.sink_id << ": " << sink.description << ": sent " << sink.sent << ", retried "
            << sink.retried << ", failed " << sink.failed << (sink.fatal ? " (fatal: skipped for this run)" : "")
            << "\n";
        for (const auto& message : sink.messages) out << "    " << message << "\n";
    }
    return out.str();
}

}  // namespace overt
