// SPDX-License-Identifier: MIT
#include "config/bounded_yaml.hpp"

#include "platform/fd.hpp"

#include <overt/config.hpp>

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace overt::config {
namespace {

std::string bytes_limit_text() { return std::to_string(kMaxConfigBytes) + " bytes (1 MiB)"; }

// size: the file's size in bytes when known (not for a pipe).
[[noreturn]] void too_large(const std::string& source, std::optional<uint64_t> size) {
    throw ConfigError(source, 0, "",
                      size ? "the file is " + std::to_string(*size) + " bytes, more than the limit of " + bytes_limit_text()
                           : "the file is larger than the limit of " + bytes_limit_text());
}

int line_at(std::string_view text, size_t offset) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

bool continuation(std::string_view text, size_t at) {
    return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
}

// Offset of the first byte that does not start a well-formed UTF-8 sequence (no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos.
size_t first_invalid_utf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const unsigned char lead = static_cast<unsigned char>(text[i]);
        size_t extra = 0;
        unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
        if (lead < 0x80) {
            ++i;
            continue;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            extra = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            extra = 2;
            if (lead == 0xE0) low = 0xA0;
            if (lead == 0xED) high = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            extra = 3;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;
        } else {
            return i;
        }
        if (i + 1 >= text.size()) return i;
        const unsigned char second = static_cast<unsigned char>(text[i + 1]);
        if (second < low || second > high) return i;
        for (size_t k = 2; k <= extra; ++k)
            if (!continuation(text, i + k)) return i;
        i += extra + 1;
    }
    return std::string_view::npos;
}

// yaml-cpp hands NUL and arbitrary bytes through, even inside quoted values; JSON, the plugins
// and the events need UTF-8 text, so the file is refused where the bad byte is.
void check_bytes(const std::string& text, const std::string& source) {
    if (text.size() > kMaxConfigBytes) too_large(source, text.size());
    if (const size_t nul = text.find('\0'); nul != std::string::npos)
        throw ConfigError(source, line_at(text, nul), "", "contains a NUL byte (the file must be UTF-8 text)");
    if (const size_t bad = first_invalid_utf8(text); bad != std::string_view::npos)
        throw ConfigError(source, line_at(text, bad), "", "contains bytes that are not valid UTF-8");
}

// Counts the document as yaml-cpp reports it, node by node, and stops at the first limit.
// yaml-cpp would share an anchored node between its aliases, but every walk over the tree
// (the loader's, the validator's) visits it once per alias: a few lines of aliases to aliases
// stand for billions of nodes. So each alias counts the full size and height of its target.
class LimitCounter : public YAML::EventHandler {
   public:
    explicit LimitCounter(const std::string& source) : source_(source) {}

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, 1, 0, false, "?"); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        Size target{1, 0};
        if (auto found = anchors_.find(anchor); found != anchors_.end()) target = found->second;
        leaf(mark, 0, target.nodes, target.height, true, "?");
    }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
        if (value.size() > kMaxConfigScalarBytes)
            fail(mark, "a value of " + std::to_string(value.size()) + " bytes is longer than the limit of " +
                           std::to_string(kMaxConfigScalarBytes) + " bytes");
        leaf(mark, anchor, 1, 0, false, value);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
        open(mark, anchor, false);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
        open(mark, anchor, true);
    }
    void OnMapEnd() override { close(); }

   private:
    struct Size {
        size_t nodes = 1;
        size_t height = 0;  // collections below and including this one; 0 for a scalar
    };
    struct Frame {
        bool is_map = false;
        bool at_key = true;  // in a map: the next node is a key
        size_t index = 0;    // in a list: the next item's index
        std::string key;     // in a map: the current entry's key
        YAML::anchor_t anchor = 0;
        Size size{1, 1};
    };

    // The loader's spelling of where the current node sits: "backends[1].tags[3]"; cut short
    // after a few levels, as a deeply nested document would give a key of thousands of "[0]".
    std::string path() const {
        constexpr size_t kShownLevels = 8;
        std::string text;
        for (size_t level = 0; level < frames_.size(); ++level) {
            const Frame& frame = frames_[level];
            if (level == kShownLevels) {
                text += "...";
                break;
            }
            if (frame.is_map) {
                if (frame.at_key) break;
                text += (text.empty() ? "" : ".") + frame.key;
            } else {
                text += "[" + std::to_string(frame.index) + "]";
            }
        }
        return text;
    }

    [[noreturn]] void fail(const YAML::Mark& mark, const std::string& problem) const {
        throw ConfigError(source_, mark.is_null() ? 0 : mark.line + 1, path(), problem);
    }

    void count(const YAML::Mark& mark, size_t nodes, size_t height, bool alias) {
        total_nodes_ += nodes;  // cannot overflow: each addition is at most the limit
        if (total_nodes_ > kMaxConfigNodes)
            fail(mark, alias ? "this alias brings the document past the limit of " + std::to_string(kMaxConfigNodes) +
                                   " nodes (an alias counts every node it repeats)"
                             : "the document has more than the limit of " + std::to_string(kMaxConfigNodes) + " nodes");
        if (frames_.size() + height > kMaxConfigDepth)
            fail(mark, std::string(alias ? "this alias nests" : "nested") + " deeper than the limit of " +
                           std::to_string(kMaxConfigDepth) + " levels");
    }

    void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, size_t nodes, size_t height, bool alias,
              const std::string& text) {
        count(mark, nodes, height, alias);
        if (anchor != 0) anchors_[anchor] = {nodes, height};
        finished_child({nodes, height}, text);
    }

    void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
        count(mark, 1, 1, false);
        Frame frame;
        frame.is_map = is_map;
        frame.anchor = anchor;
        frames_.push_back(std::move(frame));
    }

    void close() {
        if (frames_.empty()) return;
        const Frame done = std::move(frames_.back());
        frames_.pop_back();
        if (done.anchor != 0) anchors_[done.anchor] = done.size;
        finished_child(done.size, "?");
    }

    // A child's size adds to every open collection's; its key or index moves on.
    void finished_child(Size child, const std::string& text) {
        if (frames_.empty()) return;
        Frame& parent = frames_.back();
        parent.size.nodes += child.nodes;
        parent.size.height = std::max(parent.size.height, child.height + 1);
        if (parent.is_map) {
            if (parent.at_key) parent.key = text;
            parent.at_key = !parent.at_key;
        } else {
            ++parent.index;
        }
    }

    const std::string& source_;
    std::vector<Frame> frames_;
    std::unordered_map<YAML::anchor_t, Size> anchors_;
    size_t total_nodes_ = 0;
};

}  // namespace

std::string read_config_text(const std::string& path) {
    const int fd = platform::open_file(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw ConfigError(path, 0, "", std::string("cannot read the config file: ") + std::strerror(errno));
    platform::FileStatus info;
    const bool known = platform::stat_fd(fd, info);
    if (known && info.regular && info.size > kMaxConfigBytes) {
        platform::close_file(fd);
        too_large(path, info.size);
    }
    // Read in chunks into what the file needs, not a zeroed 1 MiB (whose page faults were most
    // of a disabled tool's start-up); one byte over the limit tells a file that grew, or a pipe,
    // from one that fits.
    std::string text;
    if (known && info.regular) text.reserve(static_cast<size_t>(info.size) + 1);
    size_t used = 0;
    char chunk[16384];
    while (used <= kMaxConfigBytes) {
        const long long got = platform::read_file(fd, chunk, std::min(sizeof chunk, kMaxConfigBytes + 1 - used));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            const int error = errno;
            platform::close_file(fd);
            throw ConfigError(path, 0, "", std::string("cannot read the config file: ") + std::strerror(error));
        }
        if (got == 0) break;
        text.append(chunk, static_cast<size_t>(got));
        used += static_cast<size_t>(got);
    }
    platform::close_file(fd);
    if (used > kMaxConfigBytes) too_large(path, std::nullopt);
    return text;
}

YAML::Node load_bounded_yaml(const std::string& text, const std::string& source) {
    check_bytes(text, source);
    try {
        {
            std::istringstream stream(text);
            YAML::Parser parser(stream);
            LimitCounter counter(source);
            parser.HandleNextDocument(counter);
        }
        return YAML::Load(text);
    } catch (const YAML::Exception& problem) {
        throw ConfigError(source, problem.mark.is_null() ? 0 : problem.mark.line + 1, "",
                          "not valid YAML: " + problem.msg);
    }
}

}  // namespace overt::config
