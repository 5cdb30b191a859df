// SPDX-License-Identifier: MIT
// Recording: the privacy-filtered event goes into a bounded buffer under a short lock; a full
// buffer is swapped out and spilled outside the lock. Flushing and closing are the pipeline's.
#include "collector/collector_impl.hpp"

#include "delivery/sender_spawn.hpp"
#include "event/event_clock.hpp"
#include "event/event_id_writer.hpp"
#include "privacy/redact_identity.hpp"
#include "support/logger.hpp"

#include <overt/redact.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <filesystem>
#include <sstream>

namespace overt {
namespace {

constexpr size_t kBufferReserve = 4096;  // events reserved up front (no growth on the hot path)

// The redacted form of the few names a tool tracks, remembered per thread (no lock): redaction
// is a function of the text and the process's identity alone, and it was a third of
// track_command's cost (callgrind: apply_rules tries every rule that may start at a letter).
// Its slot: FNV-1a over the name's bytes (std::hash's murmur was 60 Ir a call, callgrind).
size_t remembered_name_slot(std::string_view name, size_t slots) {
    uint32_t hash = 2166136261u;
    for (const char c : name) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
    return hash % slots;
}

// Written into `out` (an event's empty name), not returned: a returned copy moved in was a
// second string construction per event.
void assign_redacted_event_name(std::string_view name, std::string& out) {
    constexpr size_t kLongestRemembered = 64;  // longer names are rarely repeated
    if (name.size() > kLongestRemembered) {
        out = redact(name);
        return;
    }
    struct RememberedName {
        const privacy::Identity* identity = nullptr;  // null while being filled
        std::string name;
        std::string redacted;
    };
    // The slot of the last name is tried first: a thread mostly tracks one name many times in
    // a row, and hashing it was a fifth of this function.
    struct RememberedNames {
        std::array<RememberedName, 16> slots;
        size_t last = 0;
    };
    thread_local RememberedNames remembered;
    const privacy::Identity* identity = &privacy::current_identity();
    RememberedName* slot = &remembered.slots[remembered.last];
    if (slot->identity != identity || slot->name != name) {
        const size_t index = remembered_name_slot(name, remembered.slots.size());
        slot = &remembered.slots[index];
        if (slot->identity != identity || slot->name != name) {
            slot->identity = nullptr;  // a throw below leaves the slot unused, never wrong
            slot->redacted = redact(name);
            slot->name = name;
            slot->identity = identity;
        }
        remembered.last = index;
    }
    out = slot->redacted;
}

// Interned once: looking the built-in type up by its text was ~60 Ir a track_command.
EventType command_invocation_type() {
    static const EventType type(event_type::command_invocation);
    return type;
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
    for (auto& shard : impl.staging) impl.renew_counts(shard);

    for (auto& sink : sinks) impl.sinks.add(std::move(sink));
    for (size_t i = 0; i < options.unavailable_sink_ids.size(); ++i)
        impl.sinks.add_unavailable(options.unavailable_sink_ids[i],
                                   i < options.unavailable_sink_info.size()
                                       ? options.unavailable_sink_info[i]
                                       : options.unavailable_sink_ids[i] + " (unavailable)");
    if (!impl.data_dir.empty())
        impl.store =
            std::make_unique<spill::SpillStore>(impl.data_dir, impl.config.tool_name, impl.config.spill_max_bytes);
    impl.start_pipeline({});  // the author decided consent: no consent file to ask again
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

bool Collector::enabled() const noexcept { return impl_->enabled.load(); }

void Collector::Impl::renew_counts(StagingShard& shard) const noexcept {
    struct Shared {
        std::shared_ptr<const Origin> origin;
        std::shared_ptr<const Metadata> base_metadata;
    };
    try {
        auto shared = std::make_shared<const Shared>(Shared{origin, base_metadata});
        shard.origin = std::shared_ptr<const Origin>(shared, shared->origin.get());
        shard.base_metadata = std::shared_ptr<const Metadata>(shared, shared->base_metadata.get());
    } catch (...) {
        if (!shard.origin) shard.origin = origin;  // out of memory: the collector's own count
        if (!shard.base_metadata) shard.base_metadata = base_metadata;
    }
}

std::shared_ptr<const Metadata> Collector::Impl::merge_metadata(const Metadata& extra) const {
    if (extra.empty()) return nullptr;  // the base, shared by the shard: no per-event copy
    Metadata merged = *base_metadata;
    merged.reserve(merged.size() + extra.size());
    // Keys are redacted like values: the Go package redacted neither.
    for (const auto& [key, value] : extra) merged.emplace_back(redact(key), redact(value));
    return std::make_shared<const Metadata>(sorted_unique(std::move(merged)));
}

void Collector::Impl::fill_event(Event& event, const StagingShard& shard, EventType type, std::string_view name,
                                 std::shared_ptr<const Metadata> metadata) {
    assign_new_event_id(event.event_id);
    event.timestamp_unix_nano = event_clock::unix_nano_now();
    event.type = type;
    assign_redacted_event_name(name, event.name);  // a name is free text a tool may fill with anything
    event.origin = shard.origin;
    event.metadata = metadata ? std::move(metadata) : shard.base_metadata;
}

namespace {
std::atomic<uint32_t> g_shards_held{0};  // bit i: a live thread holds shard i
std::atomic<uint32_t> g_shared_shard_next{0};
}  // namespace

// A thread takes the lowest shard no live thread holds when it first records and gives it back
// when it ends, so live threads share a shard only past kStagingShards of them. (Handed out
// round-robin at first use, the 16th thread started after a long-lived one landed on its shard
// and the two fought over one lock on every event: the benchmark's threads did, run after run.)
size_t Collector::Impl::this_thread_shard() {
    static_assert(kStagingShards <= 32);
    struct ThreadShard {
        size_t index = 0;
        bool held = false;
        ThreadShard() noexcept {
            constexpr auto all = static_cast<uint32_t>((uint64_t{1} << kStagingShards) - 1);
            uint32_t taken = g_shards_held.load(std::memory_order_relaxed);
            while (const uint32_t free = ~taken & all) {
                const auto lowest = static_cast<unsigned>(std::countr_zero(free));
                if (g_shards_held.compare_exchange_weak(taken, taken | (1u << lowest), std::memory_order_relaxed)) {
                    index = lowest;
                    held = true;
                    return;
                }
            }
            index = g_shared_shard_next.fetch_add(1, std::memory_order_relaxed) % kStagingShards;
        }
        ~ThreadShard() {
            if (held) g_shards_held.fetch_and(~(1u << index), std::memory_order_relaxed);
        }
        ThreadShard(const ThreadShard&) = delete;
        ThreadShard& operator=(const ThreadShard&) = delete;
    };
    thread_local const ThreadShard shard;
    return shard.index;
}

template <typename Fill>
void Collector::Impl::record_in_place(Fill&& fill) {
    StagingShard& shard = staging[this_thread_shard()];
    std::unique_lock shard_lock(shard.lock);
    if (closed.load(std::memory_order_relaxed)) return;  // after close(): nowhere to deliver
    Event* event = nullptr;
    if (shard.staged < shard.events.size()) {
        event = &shard.events[shard.staged];  // moved from: only what `fill` may leave unset is reset
        event->duration_ms = 0;
        event->exit_code = 0;
        event->extended.reset();
    } else {
        event = &shard.events.emplace_back();
    }
    try {
        fill(*event, shard);
    } catch (...) {
        *event = Event{};  // nothing of a half-made event stays behind
        throw;
    }
    ++shard.staged;
    if (shard.staged < kStagedRun &&
        buffered_hint.load(std::memory_order_relaxed) + shard.staged < config.buffer_max_events)
        return;
    std::vector<std::vector<Event>> full;  // only on a drain: its destruction was 25 Ir a call
    {
        std::lock_guard lock(mutex);
        try {
            drain_locked(shard, &full);
        } catch (...) {
            // Out of memory growing the buffer: the event is staged and counted when a later
            // drain moves it, so it must not be reported as a failed record as well.
        }
    }
    shard_lock.unlock();
    for (auto& batch : full) pipeline->spill(std::move(batch), drop_reason::spill_write_failed);
}

void Collector::Impl::drain_locked(StagingShard& shard, std::vector<std::vector<Event>>* full) {
    const size_t max = config.buffer_max_events;
    const size_t staged = shard.staged;
    // Without a data dir, what does not fit replaces the oldest (a ring, O(1)) and the oldest
    // is counted as dropped (the Go package grew without bound).
    const size_t into_buffer = store ? staged : buffer.size() < max ? std::min(staged, max - buffer.size()) : 0;
    // Room grows geometrically, as push_back's would; a buffer swapped out to spill stops at `max`.
    size_t needed = buffer.size() + into_buffer;
    if (full && store) needed = std::min(needed, std::max(max, buffer.size()));
    if (buffer.capacity() < needed) buffer.reserve(std::max(needed, 2 * buffer.capacity()));
    // What moved is counted before `mutex` is released, so a flush never takes it uncounted;
    // if growing throws, what did not move stays staged for a later drain.
    size_t moved = 0;
    auto book_moved = [&] {
        ledger.tracked(moved);
        buffered_hint.store(buffer.size(), std::memory_order_relaxed);
    };
    try {
        for (; moved < into_buffer; ++moved) {
            if (full && store && buffer.size() >= max) {
                full->emplace_back().swap(buffer);
                buffer.reserve(std::min<size_t>(max, kBufferReserve));
            }
            buffer.push_back(std::move(shard.events[moved]));
        }
        if (full && store && buffer.size() >= max) {
            full->emplace_back().swap(buffer);
            buffer.reserve(std::min<size_t>(max, kBufferReserve));
        }
    } catch (...) {
        book_moved();
        const auto first = shard.events.begin();  // what did not move stays staged, in order
        std::rotate(first, first + static_cast<ptrdiff_t>(moved), first + static_cast<ptrdiff_t>(staged));
        shard.staged = staged - moved;
        throw;
    }
    book_moved();
    for (size_t i = moved; i < staged; ++i) {  // what did not fit: the ring
        ledger.overwritten_in_ring();
        buffer[ring_start] = std::move(shard.events[i]);
        ring_start = (ring_start + 1) % buffer.size();
    }
    shard.staged = 0;
    renew_counts(shard);
}

void Collector::Impl::drain_staged(std::vector<std::vector<Event>>* full) {
    for (StagingShard& shard : staging) {
        std::lock_guard shard_lock(shard.lock);
        if (shard.staged == 0) continue;
        std::lock_guard lock(mutex);
        drain_locked(shard, full);
    }
}

void Collector::Impl::drain_staged_and_spill() {
    std::vector<std::vector<Event>> full;
    drain_staged(&full);
    for (auto& batch : full) pipeline->spill(std::move(batch), drop_reason::spill_write_failed);
}

// The type (which throws past the custom-type cap) and the metadata (which may allocate and
// redact) are made before the shard's lock is taken; what fills the event under it is short.
void Collector::track(std::string_view type, std::string_view name, const Metadata& extra) noexcept {
    if (!impl_->enabled) return;
    try {
        const EventType interned(type);
        auto metadata = impl_->merge_metadata(extra);
        impl_->record_in_place([&](Event& event, const Impl::StagingShard& shard) {
            Impl::fill_event(event, shard, interned, name, std::move(metadata));
        });
    } catch (...) {
        impl_->ledger.record_failed();
    }
}

void Collector::track_command(std::string_view name, int64_t duration_ms, int32_t exit_code,
                              const Metadata& extra) noexcept {
    if (!impl_->enabled) return;
    try {
        auto metadata = impl_->merge_metadata(extra);
        impl_->record_in_place([&](Event& event, const Impl::StagingShard& shard) {
            Impl::fill_event(event, shard, command_invocation_type(), name, std::move(metadata));
            event.duration_ms = duration_ms;
            event.exit_code = exit_code;
        });
    } catch (...) {
        impl_->ledger.record_failed();
    }
}

void Collector::track_command_extended(std::string_view name, std::span<const std::string> args, int64_t duration_ms,
                                       int32_t exit_code, std::string_view error, const Metadata& extra) noexcept {
    if (!impl_->enabled) return;
    try {
        auto metadata = impl_->merge_metadata(extra);
        EventExtendedPtr extended;
        if (impl_->config.extended_collection) {
            Event staging;  // set_args/set_error keep `extended` null when both are empty
            staging.set_args(redact_args(args));  // also the value after a separated "--password"
            staging.set_error(redact(error));
            extended = std::move(staging.extended);
        }
        impl_->record_in_place([&](Event& event, const Impl::StagingShard& shard) {
            Impl::fill_event(event, shard, command_invocation_type(), name, std::move(metadata));
            event.duration_ms = duration_ms;
            event.exit_code = exit_code;
            event.extended = std::move(extended);
        });
    } catch (...) {
        impl_->ledger.record_failed();
    }
}

bool Collector::local_only() const noexcept { return impl_->enabled && impl_->local_only; }
const std::string& Collector::problem() const noexcept { return impl_->problem; }

void Collector::Impl::start_pipeline(delivery::Pipeline::ConsentCheck consent_check) {
    pipeline = std::make_unique<delivery::Pipeline>(config, sinks, store.get(), ledger, delivery::RetryPolicy{},
                                                    delivery::PipelineOwner{data_dir, machine_id},
                                                    std::move(consent_check));
}

void Collector::Impl::drop() {
    if (pipeline) pipeline->cancel();  // queued retries in a running flush give up
    std::vector<Event> dropped = take_buffer();
    ledger.dropped_from_buffer(drop_reason::consent_withdrawn, dropped.size());
    if (data_dir.empty() || !std::filesystem::is_directory(data_dir)) return;
    // Also for a disabled collector: disabling must not leave old spill files behind. The
    // erasure is recorded in the data dir, so every other process of the tool (a sender, a
    // service) stops before its next request and writes nothing back.
    std::vector<std::string> removed =
        store ? store->erase_all() : spill::SpillStore(data_dir, config.tool_name).erase_all();
    std::error_code ignored;
    std::filesystem::remove(std::filesystem::path(data_dir) / delivery::kSenderLogName, ignored);
    for (const auto& name : removed) ledger.file_dropped(name, drop_reason::consent_withdrawn);
}

void Collector::drop() { impl_->drop(); }

void Collector::disable() noexcept {
    impl_->enabled = false;
    try {
        impl_->drop();
    } catch (const std::exception& e) {
        detail::logger()->warn("overt: erasing local data failed: {}", e.what());
    } catch (...) {
    }
}

std::string Collector::backend_info() const {
    return impl_->enabled ? impl_->sinks.describe() : "noop (disabled)";
}

Counters Collector::counters() const {
    impl_->drain_staged_and_spill();  // staged events are counted as they enter the buffer
    return impl_->ledger.snapshot();
}

void Collector::Impl::settle_ring_locked() {
    if (ring_start) std::rotate(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(ring_start), buffer.end());
    ring_start = 0;
}

std::vector<Event> Collector::Impl::take_buffer() {
    drain_staged(nullptr);  // all of it is taken: no spill from inside a flush
    std::lock_guard lock(mutex);
    settle_ring_locked();
    std::vector<Event> taken;
    taken.swap(buffer);
    buffered_hint.store(0, std::memory_order_relaxed);
    // Reserved here, off the hot path, so the next tracks do not grow the vector.
    buffer.reserve(std::min<size_t>(config.buffer_max_events, kBufferReserve));
    return taken;
}

void Collector::Impl::requeue(std::vector<Event> events) {
    std::lock_guard lock(mutex);
    settle_ring_locked();
    buffer.insert(buffer.begin(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
    if (buffer.size() > config.buffer_max_events) {
        const size_t excess = buffer.size() - config.buffer_max_events;
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(excess));
        ledger.dropped_from_buffer(drop_reason::no_data_dir_overflow, excess);
    }
    buffered_hint.store(buffer.size(), std::memory_order_relaxed);
}

FlushReport Collector::flush() {
    return flush(Clock::now() + std::chrono::milliseconds(impl_->config.flush_timeout_ms));
}

FlushReport Collector::flush(Deadline deadline) {
    Impl& impl = *impl_;
    if (!impl.enabled || impl.closed.load()) return {};
    // How long past its deadline a send may run before it is abandoned (outside close()).
    constexpr auto kSendGrace = std::chrono::milliseconds(100);
    FlushReport report = impl.pipeline->flush({deadline, deadline + kSendGrace}, [&impl] { return impl.take_buffer(); },
                                              [&impl](std::vector<Event> events) { impl.requeue(std::move(events)); });
    if (report.consent_withdrawn && impl.pipeline->erased_elsewhere()) {
        // Another process erased the data dir: what was tracked before it is gone with it.
        impl.ledger.dropped_from_buffer(drop_reason::consent_withdrawn, impl.take_buffer().size());
        impl.pipeline->accept_erasure();
    }
    return report;
}

FlushReport Collector::close() {
    Impl& impl = *impl_;
    if (impl.closed.exchange(true)) return {};
    if (!impl.enabled) return {};  // disable()d: nothing left to deliver
    return impl.pipeline->close([&impl] { return impl.take_buffer(); });
}

const Config& Collector::config() const noexcept { return impl_->config; }
const std::string& Collector::data_dir() const noexcept { return impl_->data_dir; }
const std::string& Collector::machine_id() const noexcept { return impl_->machine_id; }
const std::string& Collector::consent_reason() const noexcept { return impl_->consent_reason; }
std::shared_ptr<const Origin> Collector::origin() const noexcept { return impl_->origin; }

std::vector<Event> Collector::pending_events() const {
    std::vector<Event> events;
    if (!impl_->data_dir.empty()) {
        spill::SpillStore reader(impl_->data_dir, impl_->config.tool_name, impl_->config.spill_max_bytes);
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
    if (impl_->enabled) impl_->drain_staged_and_spill();
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
    if (events_spilled > events_handed_to_sender || events_dropped || corrupt_files) return false;
    for (const auto& sink : sinks)
        if (sink.failed || sink.fatal) return false;
    return true;
}

std::string FlushReport::summary() const {
    std::ostringstream out;
    out << "sent " << events_sent << ", spilled for later " << events_spilled << ", dropped " << events_dropped;
    if (events_handed_to_sender) out << ", handed to overt-sender " << events_handed_to_sender;
    if (consent_withdrawn) out << " (consent withdrawn: nothing more is sent)";
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
