// SPDX-License-Identifier: MIT
// The file backend: appends each event's JSON as one NDJSON line.
//
// A batch goes out in one write() on an O_APPEND descriptor, so lines of concurrent processes
// do not interleave. Failures never reject events (a file cannot refuse one event): transient
// ones (disk full, I/O error, out of descriptors) are RETRY; ones that need someone to fix the
// file system (permissions, read-only, not a directory) are FATAL, which makes the host stop
// using this backend for the run while keeping the events owed. Both keep the events.
#include <overt/backend.hpp>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "file_io.hpp"

namespace {

std::string errno_text(int error) { return std::system_category().message(error); }

// Errors no retry within this run can fix.
bool needs_intervention(int error) {
    switch (error) {
        case EACCES:
        case EPERM:
        case EROFS:
        case EISDIR:
        case ENOTDIR:
        case ELOOP:
        case ENAMETOOLONG:
            return true;
        default:
            return false;
    }
}

class FileDescriptor {
   public:
    explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) overt_file_backend::close_file(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const noexcept { return fd_; }
    // close() reports delayed write errors (NFS, quotas): the caller must see them.
    int close() noexcept {
        int rc = overt_file_backend::close_file(fd_);
        fd_ = -1;
        return rc;
    }

   private:
    int fd_;
};

class FileBackend final : public overt::sdk::Backend {
   public:
    static constexpr const char* kName = "file";
    static constexpr const char* kVersion = OVERT_PLUGIN_VERSION;
    static constexpr const char* kVendor = "overt";
    static constexpr const char* kDescription = "Appends events as NDJSON lines to a local file";
    static constexpr const char* kConfigSchema = R"({
  "type": "object",
  "properties": {
    "path": {"type": "string", "minLength": 1, "description": "file to append to; parent dirs are created 0700"},
    "fsync": {"type": "boolean", "default": false, "description": "fsync after each batch"}
  },
  "required": ["path"],
  "additionalProperties": false
})";
    static constexpr uint64_t kCapabilities = OVERT_CAP_LOCAL;

    FileBackend(const overt::sdk::Host&, std::string_view config_json) {
        const auto config = nlohmann::json::parse(config_json, nullptr, false);
        if (!config.is_object() || !config.contains("path") || !config["path"].is_string() ||
            config["path"].get<std::string>().empty())
            throw overt::sdk::ConfigError("file: \"path\" must be a non-empty string");
        path_ = config["path"].get<std::string>();
        if (config.contains("fsync")) {
            if (!config["fsync"].is_boolean()) throw overt::sdk::ConfigError("file: \"fsync\" must be a boolean");
            fsync_ = config["fsync"].get<bool>();
        }
    }

    overt::sdk::Result send(overt::sdk::Events events, int64_t) override {
        // The whole batch in one buffer, sized once (kept across calls), for one write().
        size_t batch_bytes = torn_line_ ? 1 : 0;
        for (const auto& event : events) batch_bytes += event.json.size + 1;
        batch_.clear();
        batch_.reserve(batch_bytes);
        line_ends_.clear();
        line_ends_.reserve(events.size());
        // After a torn write, start on a fresh line so the fragment stays a line of its own.
        if (torn_line_) batch_ += '\n';
        const size_t prefix = batch_.size();
        for (const auto& event : events) {
            batch_.append(event.json.data, event.json.size);
            batch_ += '\n';
            line_ends_.push_back(batch_.size());
        }

        int fd = overt_file_backend::open_for_append(path_);
        if (fd < 0 && errno == ENOENT) {
            if (int error = overt_file_backend::create_parent_dirs(path_))
                return failure("creating the directory of", error, 0);
            fd = overt_file_backend::open_for_append(path_);
        }
        if (fd < 0) return failure("opening", errno, 0);
        FileDescriptor file(fd);

        size_t written = 0;
        while (written < batch_.size()) {
            const long long n = overt_file_backend::write_some(file.get(), batch_.data() + written, batch_.size() - written);
            if (n < 0) {
                if (errno == EINTR) continue;
                const int error = errno;
                return failure("writing", error, complete_lines(written, prefix));
            }
            written += static_cast<size_t>(n);
        }
        torn_line_ = false;
        if (fsync_ && overt_file_backend::sync_to_disk(file.get()) != 0) return failure("fsyncing", errno, 0);
        if (file.close() != 0) return failure("closing", errno, 0);
        return overt::sdk::Result::ok();
    }

    std::string describe() const override { return "file (" + path_ + ")"; }

   private:
    // Lines fully written when `written` bytes of batch_ made it out; notes a torn line.
    uint64_t complete_lines(size_t written, size_t prefix) {
        uint64_t lines = 0;
        while (lines < line_ends_.size() && line_ends_[lines] <= written) ++lines;
        torn_line_ = written > prefix && (lines == 0 || line_ends_[lines - 1] != written);
        return lines;
    }

    overt::sdk::Result failure(const char* action, int error, uint64_t accepted) const {
        std::string message = std::string(action) + " " + path_ + ": " + errno_text(error);
        if (needs_intervention(error)) {
            if (accepted == 0) return overt::sdk::Result::fatal(std::move(message));
            // FATAL cannot say how much was written; RETRY can, and the next call will fail again.
            return overt::sdk::Result::retry(std::move(message), -1, accepted);
        }
        return overt::sdk::Result::retry(std::move(message), -1, accepted);
    }

    std::string path_;
    bool fsync_ = false;
    bool torn_line_ = false;
    std::string batch_;
    std::vector<size_t> line_ends_;
};

}  // namespace

OVERT_BACKEND(FileBackend)
