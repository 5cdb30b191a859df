// SPDX-License-Identifier: MIT
#include "delivery/backend_health.hpp"

#include "platform/fd.hpp"
#include "platform/user.hpp"
#include "support/atomic_file.hpp"

#include "support/logger.hpp"
#include "plugin/quarantine_list.hpp"

#include <nlohmann/json.hpp>


#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>

namespace overt::delivery {
namespace {

constexpr off_t kMaxHealthFileBytes = 256 * 1024;
constexpr size_t kMaxBackends = 256;     // more is not a file this wrote
constexpr size_t kMaxTextBytes = 4096;   // reasons and paths are short
constexpr const char* kLockName = ".backend-health.lock";

nlohmann::json to_json(const LibraryIdentity& library) {
    return {{"path", library.path}, {"size", library.size}, {"mtime_ns", library.mtime_ns}, {"inode", library.inode}};
}

const nlohmann::json& field(const nlohmann::json& object, const char* key) {
    static const nlohmann::json missing;
    auto found = object.find(key);
    return found == object.end() ? missing : *found;
}

std::string text_field(const nlohmann::json& object, const char* key) {
    const auto& value = field(object, key);
    if (!value.is_string() || value.get_ref<const std::string&>().size() > kMaxTextBytes)
        throw std::runtime_error(std::string(key) + " is not a short string");
    return value.get<std::string>();
}

template <typename Number>
Number number_field(const nlohmann::json& object, const char* key) {
    const auto& value = field(object, key);
    if (!value.is_number_integer()) throw std::runtime_error(std::string(key) + " is not an integer");
    if constexpr (std::is_unsigned_v<Number>) {
        if (!value.is_number_unsigned()) throw std::runtime_error(std::string(key) + " is negative");
    }
    return value.get<Number>();
}

HealthRecords parse(const std::string& text) {
    const nlohmann::json root = nlohmann::json::parse(text);
    if (!root.is_object() || field(root, "version") != 1) throw std::runtime_error("not version 1");
    HealthRecords records;
    records.quarantines_total = number_field<uint64_t>(root, "quarantines_total");
    const auto& backends = field(root, "backends");
    if (!backends.is_object() || backends.size() > kMaxBackends) throw std::runtime_error("backends is not a small object");
    for (const auto& [id, entry] : backends.items()) {
        if (!entry.is_object() || id.size() > kMaxTextBytes) throw std::runtime_error("a backend entry is not an object");
        BackendHealth health;
        health.consecutive_failures = number_field<int>(entry, "consecutive_failures");
        if (health.consecutive_failures < 0) throw std::runtime_error("consecutive_failures is negative");
        health.last_reason = text_field(entry, "last_reason");
        health.last_failure_unix = number_field<int64_t>(entry, "last_failure_unix");
        health.quarantined_since_unix = number_field<int64_t>(entry, "quarantined_since_unix");
        const auto& library = field(entry, "library");
        if (!library.is_object()) throw std::runtime_error("library is not an object");
        health.library.path = text_field(library, "path");
        health.library.size = number_field<uint64_t>(library, "size");
        health.library.mtime_ns = number_field<int64_t>(library, "mtime_ns");
        health.library.inode = number_field<uint64_t>(library, "inode");
        records.backends[id] = std::move(health);
    }
    return records;
}

}  // namespace

std::optional<LibraryIdentity> identify_library(const std::string& path) {
    platform::FileStatus st;
    if (path.empty() || !platform::stat_path(path, st)) return std::nullopt;
    LibraryIdentity identity;
    identity.path = path;
    identity.size = st.size;
    identity.mtime_ns = st.mtime_ns;
    identity.inode = st.inode;
    return identity;
}

std::string quarantine_text(const BackendHealth& health) {
    return "quarantined: killed or hung the sender " + std::to_string(health.consecutive_failures) +
           " times in a row; last: " + health.last_reason;
}

HealthRecords read_backend_health(const std::string& data_dir, std::string& warning) {
    const std::string path = platform::join_path(data_dir, kHealthFileName);
    // O_NOFOLLOW and the size cap: the data dir is private, but a planted file must not make
    // the sender read a device or a link elsewhere.
    const int fd = platform::open_file(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno != ENOENT) warning = path + ": " + std::strerror(errno) + "; treated as empty";
        return {};
    }
    platform::FileStatus st;
    std::string text;
    bool ok = platform::stat_fd(fd, st) && st.regular && st.size <= static_cast<uint64_t>(kMaxHealthFileBytes);
    if (ok) {
        text.resize(static_cast<size_t>(st.size));
        ok = platform::read_at(fd, text.data(), text.size(), 0) == static_cast<long long>(text.size());
    }
    platform::close_file(fd);
    if (!ok) {
        warning = path + ": not a regular file of at most 256 KiB; treated as empty";
        return {};
    }
    try {
        return parse(text);
    } catch (const std::exception& e) {
        warning = path + ": unreadable (" + e.what() + "); treated as empty";
        return {};
    }
}

bool write_backend_health(const std::string& data_dir, const HealthRecords& records, std::string& error) {
    nlohmann::json backends = nlohmann::json::object();
    for (const auto& [id, health] : records.backends) {
        backends[id] = {{"consecutive_failures", health.consecutive_failures},
                        {"last_reason", health.last_reason},
                        {"last_failure_unix", health.last_failure_unix},
                        {"quarantined_since_unix", health.quarantined_since_unix},
                        {"library", to_json(health.library)}};
    }
    const nlohmann::json root = {{"version", 1}, {"quarantines_total", records.quarantines_total}, {"backends", backends}};
    const std::string text = root.dump(2) + "\n";
    const std::string path = platform::join_path(data_dir, kHealthFileName);
    if (!support::write_file_atomically(support::AtomicWrite::at(path), text, error)) return false;
    return true;
}

void update_backend_health(const std::string& data_dir, const std::function<bool(HealthRecords&)>& update) {
    const int lock_fd = platform::open_file(platform::join_path(data_dir, kLockName), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (lock_fd >= 0) platform::lock_file(lock_fd, platform::FileLock::exclusive);  // short: read, update, rename
    std::string warning;
    HealthRecords records = read_backend_health(data_dir, warning);
    if (!warning.empty()) detail::logger()->warn("overt-sender: {}", warning);
    std::string error;
    if (update(records) && !write_backend_health(data_dir, records, error))
        detail::logger()->error("overt-sender: cannot record backend health: {}", error);
    if (lock_fd >= 0) platform::close_file(lock_fd);
}

void record_failure(HealthRecords& records, const std::string& backend_id, const std::string& reason,
                    const std::optional<LibraryIdentity>& library, int64_t now_unix) {
    BackendHealth& health = records.backends[backend_id];
    ++health.consecutive_failures;
    health.last_reason = reason.substr(0, kMaxTextBytes);
    health.last_failure_unix = now_unix;
    if (library) health.library = *library;
    if (!health.quarantined() && health.consecutive_failures >= kQuarantineAfterFailures) {
        health.quarantined_since_unix = now_unix;
        ++records.quarantines_total;
    }
}

bool record_success(HealthRecords& records, const std::string& backend_id) {
    return records.backends.erase(backend_id) != 0;
}

bool lift_stale_quarantines(HealthRecords& records, int64_t now_unix) {
    bool lifted = false;
    const int64_t lifetime = std::chrono::duration_cast<std::chrono::seconds>(kQuarantineLifetime).count();
    for (auto it = records.backends.begin(); it != records.backends.end();) {
        const BackendHealth& health = it->second;
        const bool stale = health.quarantined() && (now_unix - health.quarantined_since_unix >= lifetime ||
                                                    (!health.library.path.empty() &&
                                                     identify_library(health.library.path) != health.library));
        if (stale) {
            // A fixed plugin (or a day's wait) starts from a clean record.
            it = records.backends.erase(it);
            lifted = true;
        } else {
            ++it;
        }
    }
    return lifted;
}

bool has_backend_health_file(const std::string& data_dir) {
    platform::FileStatus st;
    return platform::stat_path(platform::join_path(data_dir, kHealthFileName), st);
}

void apply_backend_quarantines(const std::string& data_dir) {
    if (!has_backend_health_file(data_dir)) return;
    std::map<std::string, std::string> reasons;
    update_backend_health(data_dir, [&](HealthRecords& records) {
        const bool lifted = lift_stale_quarantines(records, static_cast<int64_t>(std::time(nullptr)));
        for (const auto& [id, health] : records.backends)
            if (health.quarantined()) reasons[id] = quarantine_text(health);
        return lifted;
    });
    plugin::set_quarantined_backends(std::move(reasons));
}

}  // namespace overt::delivery
