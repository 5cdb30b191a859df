// SPDX-License-Identifier: MIT
// Spill files in a data dir shared by every process of one tool.
//
// Names: telemetry-spill-<unixnano>-<pid>-<seq>-<tool key>.json (0600, dir 0700), so name order
// is age order, and a store sees, counts, prunes and erases only its own tool's files when
// several tools share a data dir (the key is 8 hex digits of the tool name's sha256). A file is written to ".telemetry-spill-...json.tmp" in the same dir, fsync'd,
// renamed, and the dir fsync'd: a reader sees a whole file or none. Temp files left by a
// killed writer never match the spill pattern and are removed once stale.
// The data dir is opened once (never through a link) and checked to be a private directory of
// this user; every file is then opened, renamed and removed relative to that descriptor, so a
// directory swapped for a link later is never written through.
// A process sending a file holds flock(LOCK_EX) on it and re-checks after locking that the
// path still names the inode it locked, so no two processes send the same file.
// Erasure (consent withdrawn, delete-my-data) and writing agree across processes: writers hold
// .telemetry-spill.lock shared, erase_all() holds it exclusive and bumps the erasure count in
// .telemetry-erasures; a store that saw an older count writes nothing, so no process re-creates
// a file another one erased.
#pragma once

#include "spill/spill_format.hpp"
#include "support/atomic_file.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace overt::spill {

inline constexpr const char* kCorruptDirName = "corrupt";

// An exclusive claim on one spill file; released (fd closed) on destruction.
class Claim {
   public:
    Claim(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
    Claim(Claim&& other) noexcept : fd_(std::exchange(other.fd_, -1)), name_(std::move(other.name_)) {}
    Claim& operator=(Claim&&) = delete;
    ~Claim();
    int fd() const { return fd_; }
    const std::string& name() const { return name_; }

   private:
    int fd_;
    std::string name_;
};

struct WrittenFile {
    std::string name;
    size_t event_count = 0;
};

struct PrunedFile {
    std::string name;
    size_t event_count = 0;
};

using support::Durability;

class SpillStore {
   public:
    // Files larger than `max_file_bytes` (spill.max_bytes: no file of ours can be larger and
    // still be kept) are never read: read() and peek() fail on them unread.
    SpillStore(std::filesystem::path dir, std::string tool, uint64_t max_file_bytes = kDefaultMaxFileBytes);
    static constexpr uint64_t kDefaultMaxFileBytes = 10u << 20;
    ~SpillStore();
    SpillStore(const SpillStore&) = delete;
    SpillStore& operator=(const SpillStore&) = delete;

    const std::filesystem::path& dir() const { return dir_; }

    // Writes events in chunks of <= 1 MiB. Returns the files written in event order; on an
    // I/O error stops, fills `error` and returns what was written before it. Writes nothing,
    // with `error` saying why, once the data dir was erased since this store last looked
    // (erased_since_seen()).
    // Durability::deferred skips the file and directory fsyncs (the rename still makes each
    // file appear whole or not at all, even if the process dies); call make_durable() later.
    std::vector<WrittenFile> write(std::span<const Event> events, std::span<const std::string> pending,
                                   std::string& error, Durability durability = Durability::fsync);
    // fsyncs the named spill files (those still there) and the directory.
    void make_durable(std::span<const std::string> names) const;

    // Whether `name` is (still) in the data dir.
    bool contains(const std::string& name) const;
    // This tool's spill file names, oldest first.
    std::vector<std::string> list() const;
    uint64_t total_bytes() const;

    // nullopt when another process holds the file or it is gone.
    std::optional<Claim> claim(const std::string& name) const;
    bool read(const Claim& claim, SpillContent& content, std::string& error) const;
    // Reads without claiming (inspect): false with an error if unreadable.
    bool peek(const std::string& name, SpillContent& content, std::string& error) const;
    void remove(const Claim& claim) const;
    // Replaces the file's content (e.g. a shorter pending list) atomically.
    bool rewrite(const Claim& claim, const SpillContent& content, std::string& error) const;
    // Moves it to <dir>/corrupt/, never deleting it. Returns the new path.
    std::string move_aside(const Claim& claim) const;

    // Removes oldest files until at most max_files and max_bytes remain; files other
    // processes are sending are skipped. Returns what was removed with their event counts.
    // `known_count`, when given, supplies the count of files the caller already knows (its
    // own), so only foreign files are read and decoded to count them.
    using KnownCount = std::function<bool(const std::string& name, size_t& event_count)>;
    std::vector<PrunedFile> enforce_caps(size_t max_files, uint64_t max_bytes,
                                         const KnownCount& known_count = {}) const;
    // Removes temp files of dead writers or older than ten minutes.
    void remove_stale_temps() const;
    // Removes this tool's spill files, temp files and moved-aside files, and tells every other
    // store of this tool and data dir (in any process) that it happened. Returns the names of
    // spill files removed.
    std::vector<std::string> erase_all();

    // Another process (or store) erased the data dir since this one was made or last accepted
    // an erasure: what this process holds must be dropped, not written back.
    bool erased_since_seen() const;
    // The holder dropped what it held: writing is allowed again.
    void accept_erasure();

   private:
    bool write_file_atomically(const std::string& final_name, std::string_view text, std::string& error,
                               Durability durability = Durability::fsync) const;
    uint64_t read_erasure_count() const;
    // The data dir, opened once (O_NOFOLLOW) and checked to be a private directory of this user;
    // every file is then opened, renamed and removed relative to it. -1 (with `error`) if it
    // does not exist (and `create` is false) or is refused.
    int directory(bool create, std::string* error = nullptr) const;
    // <data dir>/corrupt, opened without following a link (created when asked); -1 if none. The
    // caller closes it.
    int corrupt_directory(bool create) const;
    // The file is this tool's: its key is in the name, or (written before keys) the file says so.
    bool owns(const std::string& name) const;
    std::filesystem::path dir_;
    std::string tool_;
    std::string key_;  // in every file name this store writes
    uint64_t max_file_bytes_;
    mutable std::mutex dir_mutex_;
    mutable int dir_fd_ = -1;
    mutable std::vector<int> retired_fds_;  // of a data dir removed while this store was open
    std::atomic<uint64_t> erasures_seen_{0};
};

bool is_spill_file_name(std::string_view name);
bool is_temp_file_name(std::string_view name);

}  // namespace overt::spill
