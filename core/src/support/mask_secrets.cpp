// SPDX-License-Identifier: MIT
#include "support/mask_secrets.hpp"

#include <overt/redact.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>

namespace overt::support {
namespace {

// A registered value with its Knuth-Morris-Pratt table: finding it is linear in the text
// whatever the value looks like.
struct MaskedValue {
    std::string text;
    std::vector<size_t> fallback;

    explicit MaskedValue(std::string_view value) : text(value), fallback(value.size(), 0) {
        for (size_t i = 1, k = 0; i < text.size(); ++i) {
            while (k > 0 && text[i] != text[k]) k = fallback[k - 1];
            if (text[i] == text[k]) ++k;
            fallback[i] = k;
        }
    }

    // Marks every [begin, end) where the value occurs.
    void mark(std::string_view haystack, std::vector<std::pair<size_t, size_t>>& spans) const {
        for (size_t i = 0, k = 0; i < haystack.size(); ++i) {
            while (k > 0 && haystack[i] != text[k]) k = fallback[k - 1];
            if (haystack[i] == text[k]) ++k;
            if (k == text.size()) {
                spans.emplace_back(i + 1 - k, i + 1);
                k = fallback[k - 1];
            }
        }
    }
};

// Copied on write, so masking never holds the lock while it scans.
struct Registry {
    std::mutex mutex;
    std::shared_ptr<const std::vector<MaskedValue>> values = std::make_shared<std::vector<MaskedValue>>();
};

Registry& registry() {
    static Registry instance;
    return instance;
}

std::shared_ptr<const std::vector<MaskedValue>> current_values() {
    std::lock_guard lock(registry().mutex);
    return registry().values;
}

std::string mask_values(std::string_view text, const std::vector<MaskedValue>& values) {
    std::vector<std::pair<size_t, size_t>> spans;
    for (const auto& value : values) value.mark(text, spans);
    if (spans.empty()) return std::string(text);
    std::sort(spans.begin(), spans.end());
    std::string out;
    out.reserve(text.size());
    size_t copied = 0;
    for (size_t i = 0; i < spans.size();) {
        const size_t begin = spans[i].first;
        size_t end = spans[i].second;
        // Overlapping or touching occurrences become one marker.
        while (++i < spans.size() && spans[i].first <= end) end = std::max(end, spans[i].second);
        out.append(text.substr(copied, begin - copied)).append("***");
        copied = end;
    }
    out.append(text.substr(copied));
    return out;
}

}  // namespace

void add_masked_value(std::string_view value) noexcept {
    if (value.size() < kMinMaskedValueLength || value.size() > kMaxMaskedValueLength) return;
    try {
        std::lock_guard lock(registry().mutex);
        const auto& known = *registry().values;
        if (known.size() >= kMaxMaskedValues ||
            std::any_of(known.begin(), known.end(), [&](const MaskedValue& v) { return v.text == value; }))
            return;
        auto next = std::make_shared<std::vector<MaskedValue>>(known);
        next->emplace_back(value);
        registry().values = std::move(next);
    } catch (...) {
        // Out of memory: the rules still mask what looks like a secret.
    }
}

std::vector<std::string> masked_values() {
    std::vector<std::string> out;
    for (const auto& value : *current_values()) out.push_back(value.text);
    return out;
}

std::string mask_secrets(std::string_view text) noexcept {
    try {
        const auto values = current_values();
        if (values->empty()) return redact_secrets(text);
        return redact_secrets(mask_values(text, *values));
    } catch (...) {
        return std::string("***");  // fits the small-string buffer: no allocation that could fail
    }
}

}  // namespace overt::support
