// SPDX-License-Identifier: MIT
// Sends a batch as several requests when a vendor caps entries or bytes per request, and
// turns the outcome into one send() result with an honest accepted_count.
#pragma once

#include <overt/backend.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace overt::net {

struct ChunkLimits {
    size_t max_items = 1000;
    size_t max_request_bytes = 5'000'000;  // uncompressed body, wrapper included
    size_t max_item_bytes = 1'000'000;
    size_t wrapper_bytes = 2;  // bytes the body adds around the comma-joined items
};

// One encoded event per entry; `posts` gets the comma-joined items of one chunk and
// reports the outcome of that request.
using PostChunk = std::function<sdk::Result(const std::string& joined_items, size_t first, size_t count)>;

// Items larger than max_item_bytes are never sent: they are reported as REJECTED after the
// others went out (accepted_count = events delivered, so the counts add up). A RETRY or
// REJECTED chunk stops the send; accepted_count is then the number of events delivered
// before it (with oversize items earlier in the batch that undercounts the position, so the
// host re-sends a few delivered events rather than losing any: receivers dedupe by event_id).
inline sdk::Result send_in_chunks(const sdk::Host& host, std::string_view backend, const std::vector<std::string>& items,
                                  const sdk::Events& events, const ChunkLimits& limits, const PostChunk& post) {
    size_t delivered = 0;
    size_t oversize = 0;
    std::string oversize_ids;
    std::string joined;
    size_t chunk_first = 0, chunk_count = 0;

    auto flush_chunk = [&]() -> sdk::Result {
        if (chunk_count == 0) return sdk::Result::ok();
        sdk::Result r = post(joined, chunk_first, chunk_count);
        if (r.status == OVERT_OK) delivered += chunk_count;
        else r.accepted_count = delivered;
        joined.clear();
        chunk_count = 0;
        return r;
    };

    for (size_t i = 0; i < items.size(); ++i) {
        const std::string& item = items[i];
        if (item.size() > limits.max_item_bytes) {
            ++oversize;
            std::string id(sdk::view(events[i].event_id));
            if (oversize <= 5) oversize_ids += (oversize_ids.empty() ? "" : ", ") + id;
            host.log(OVERT_LOG_WARN, std::string(backend) + ": event " + id + " encodes to " +
                                         std::to_string(item.size()) + " bytes, over the " +
                                         std::to_string(limits.max_item_bytes) + "-byte per-entry limit; dropped");
            continue;
        }
        size_t grown = limits.wrapper_bytes + joined.size() + (chunk_count ? 1 : 0) + item.size();
        if (chunk_count > 0 && (chunk_count >= limits.max_items || grown > limits.max_request_bytes)) {
            sdk::Result r = flush_chunk();
            if (r.status != OVERT_OK) return r;
        }
        if (chunk_count == 0) chunk_first = i;
        if (chunk_count) joined += ',';
        joined += item;
        ++chunk_count;
    }
    sdk::Result last = flush_chunk();
    if (last.status != OVERT_OK) return last;
    if (oversize > 0) {
        return sdk::Result::rejected(std::string(backend) + ": " + std::to_string(oversize) + " of " +
                                         std::to_string(items.size()) + " event(s) over the " +
                                         std::to_string(limits.max_item_bytes) +
                                         "-byte per-entry limit were dropped (" + oversize_ids + ")",
                                     items.size() - oversize);
    }
    return sdk::Result::ok();
}

}  // namespace overt::net
