// SPDX-License-Identifier: MIT
// Per-backend health as overt-sender's supervisor sees it, kept in <data_dir>/backend-health.json:
// how many sender runs in a row a backend's plugin killed or hung, why the last one ended,
// and which library file did it. A backend that did it kQuarantineAfterFailures times in a row
// is quarantined (not loaded) until its library file changes or kQuarantineLifetime passes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace overt::delivery {

inline constexpr const char* kHealthFileName = "backend-health.json";
inline constexpr int kQuarantineAfterFailures = 3;
inline constexpr std::chrono::hours kQuarantineLifetime{24};

// Which file a plugin was loaded from; a changed one (a fixed plugin) lifts a quarantine.
struct LibraryIdentity {
    std::string path;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    bool operator==(const LibraryIdentity&) const = default;
};

struct BackendHealth {
    int consecutive_failures = 0;
    std::string last_reason;          // "killed by SIGSEGV in send()"
    int64_t last_failure_unix = 0;
    LibraryIdentity library;
    int64_t quarantined_since_unix = 0;  // 0: not quarantined
    bool quarantined() const noexcept { return quarantined_since_unix != 0; }
};

struct HealthRecords {
    std::map<std::string, BackendHealth> backends;  // by backend id
    uint64_t quarantines_total = 0;                  // quarantines ever started in this data dir
};

// The identity of the file at `path` now, or nullopt when it cannot be stat'ed.
std::optional<LibraryIdentity> identify_library(const std::string& path);

// What backend_info and `overt status` show for a quarantined backend.
std::string quarantine_text(const BackendHealth& health);

// The records in `data_dir`; empty when there is no file. A file that is unreadable, too large
// or not what this writes is treated as empty, with `warning` saying so.
HealthRecords read_backend_health(const std::string& data_dir, std::string& warning);

// Replaces the file atomically (temp file 0600, fsync, rename, directory fsync).
bool write_backend_health(const std::string& data_dir, const HealthRecords& records, std::string& error);

// Runs `update` on the records between a read and a write, under an flock of the data dir's
// health lock, so concurrent senders do not lose each other's updates. Writes only when
// `update` returns true. Warnings and errors go to the overt logger.
void update_backend_health(const std::string& data_dir, const std::function<bool(HealthRecords&)>& update);

// One sender run's outcome for one backend.
void record_failure(HealthRecords& records, const std::string& backend_id, const std::string& reason,
                    const std::optional<LibraryIdentity>& library, int64_t now_unix);
// A run that used the backend and finished: its count starts again. True when anything changed.
bool record_success(HealthRecords& records, const std::string& backend_id);

// Lifts every quarantine whose library file changed or that is older than kQuarantineLifetime.
// True when any was lifted.
bool lift_stale_quarantines(HealthRecords& records, int64_t now_unix);

// Whether <data_dir>/backend-health.json exists (no failure was ever recorded without one).
bool has_backend_health_file(const std::string& data_dir);

// Lifts the quarantines that are over and hands the rest to this process's plugin host (the
// sender's, before it delivers). A no-op without a health file.
void apply_backend_quarantines(const std::string& data_dir);

}  // namespace overt::delivery
