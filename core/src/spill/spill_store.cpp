// SPDX-License-Identifier: MIT
#include "spill/spill_store.hpp"

#include "platform/fd.hpp"
#include "platform/user.hpp"
#include "support/atomic_file.hpp"
#include "support/logger.hpp"
#include "support/short_digest.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

namespace overt::spill {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kPrefix = "telemetry-spill-";
constexpr std::string_view kSuffix = ".json";
constexpr std::string_view kTempPrefix = ".telemetry-spill-";
constexpr std::string_view kTempSuffix = ".json.tmp";
constexpr auto kStaleTempAge = std::chrono::minutes(10);
constexpr const char* kCapsLockName = ".telemetry-spill-caps.lock";
constexpr const char* kWritersLockName = ".telemetry-spill.lock";
constexpr const char* kErasuresPrefix = ".telemetry-erasures-";
constexpr size_t kToolKeyLength = 8;
constexpr size_t kOwnerPeekBytes = 4096;

// 8 hex digits of sha256(tool name): written into every spill file name, so tools sharing a
// data dir never count, prune or erase each other's files without reading them.
std::string tool_key_of(std::string_view tool) { return support::sha256_prefix_hex(tool, kToolKeyLength); }

bool is_hex(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// "telemetry-spill-<nano>-<pid>-<seq>-<key>.json" -> "<key>"; "" for names written before tool
// keys (three numbers) or by hand.
std::string_view key_in_name(std::string_view name, std::string_view prefix, std::string_view suffix) {
    name.remove_prefix(prefix.size());
    name.remove_suffix(suffix.size());
    if (std::count(name.begin(), name.end(), '-') != 3) return {};
    std::string_view key = name.substr(name.rfind('-') + 1);
    return key.size() == kToolKeyLength && is_hex(key) ? key : std::string_view{};
}

// flock on a lock file in the data dir, released when destroyed. Invalid (fd -1) when the file
// cannot be opened: the caller goes on unlocked rather than not at all.
class DirLock {
   public:
    DirLock(int dir_fd, const char* name, platform::FileLock lock) {
        fd_ = dir_fd < 0 ? -1 : platform::open_at(dir_fd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd_ >= 0) platform::lock_file(fd_, lock);
    }
    ~DirLock() {
        if (fd_ >= 0) platform::close_file(fd_);
    }
    DirLock(const DirLock&) = delete;
    DirLock& operator=(const DirLock&) = delete;

   private:
    int fd_ = -1;
};

std::atomic<uint64_t> g_sequence{0};

std::string errno_text(int err) { return std::strerror(err); }

int64_t unix_nano_now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The names in an open directory (not "." nor ".."); the descriptor itself stays open.
std::vector<std::string> entries_of(int dir_fd) {
    std::vector<std::string> names;
    if (dir_fd >= 0) platform::list_dir(dir_fd, names);
    return names;
}

// A directory entry as it is (a link is not followed).
bool stat_entry(int dir_fd, const std::string& name, platform::FileStatus& st) {
    return dir_fd >= 0 && platform::stat_at(dir_fd, name, st);
}

// At most `limit` bytes; false with errno EFBIG past it.
bool read_fd(int fd, std::string& out, uint64_t limit) {
    out.clear();
    char buffer[65536];
    uint64_t offset = 0;
    for (;;) {
        if (offset > limit) {
            errno = EFBIG;
            return false;
        }
        const long long n = platform::read_at(fd, buffer, sizeof buffer, offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) return true;
        out.append(buffer, static_cast<size_t>(n));
        offset += n;
    }
}

// ".telemetry-spill-<nano>-<pid>-<seq>.json.tmp" -> pid, or -1.
long temp_file_pid(std::string_view name) {
    name.remove_prefix(kTempPrefix.size());
    name.remove_suffix(kTempSuffix.size());
    auto first = name.find('-');
    if (first == std::string_view::npos) return -1;
    auto second = name.find('-', first + 1);
    if (second == std::string_view::npos) return -1;
    try {
        return std::stol(std::string(name.substr(first + 1, second - first - 1)));
    } catch (...) {
        return -1;
    }
}

}  // namespace

bool is_spill_file_name(std::string_view name) {
    return name.size() > kPrefix.size() + kSuffix.size() && name.starts_with(kPrefix) && name.ends_with(kSuffix);
}

bool is_temp_file_name(std::string_view name) {
    return name.size() > kTempPrefix.size() + kTempSuffix.size() && name.starts_with(kTempPrefix) &&
           name.ends_with(kTempSuffix);
}

Claim::~Claim() {
    if (fd_ >= 0) platform::close_file(fd_);
}

SpillStore::SpillStore(fs::path dir, std::string tool, uint64_t max_file_bytes)
    : dir_(std::move(dir)), tool_(std::move(tool)), key_(tool_key_of(tool_)), max_file_bytes_(max_file_bytes) {
    erasures_seen_ = read_erasure_count();
}

SpillStore::~SpillStore() {
    if (dir_fd_ >= 0) platform::close_file(dir_fd_);
    for (int fd : retired_fds_) platform::close_file(fd);
}

int SpillStore::directory(bool create, std::string* error) const {
    std::lock_guard lock(dir_mutex_);
    if (dir_fd_ >= 0) {
        // Removed since (nothing links to it any more): files written there would be lost.
        platform::FileStatus st;
        if (platform::stat_fd(dir_fd_, st) && st.links > 0) return dir_fd_;
        // Closed with the store, not now: another thread may still be using it.
        retired_fds_.push_back(dir_fd_);
        dir_fd_ = -1;
    }
    // Opened once, not followed if a link: every later name is looked up in this directory, so a
    // directory swapped for a link afterwards is never written through.
    int fd = platform::open_file(dir_.string(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        std::error_code ec;
        fs::create_directories(dir_, ec);
        if (ec) {
            if (error) *error = "cannot create data dir " + dir_.string() + ": " + ec.message();
            return -1;
        }
        platform::restrict_dir_to_user(dir_.string());
        fd = platform::open_file(dir_.string(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
        if (error) *error = "cannot open data dir " + dir_.string() + ": " + errno_text(errno);
        return -1;
    }
    platform::FileStatus st;
    if (!platform::stat_fd(fd, st) || !st.owned_by_user || st.writable_by_others) {
        if (error)
            *error = "data dir " + dir_.string() + " is not private to this user (owner uid " +
                     std::to_string(st.owner_uid) + ", writable by others or its group): not used";
        platform::close_file(fd);
        return -1;
    }
    dir_fd_ = fd;
    return dir_fd_;
}

uint64_t SpillStore::read_erasure_count() const {
    const int dir_fd = directory(false);
    int fd = dir_fd < 0 ? -1 : platform::open_at(dir_fd, kErasuresPrefix + key_, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return 0;
    char text[32] = {};
    const long long n = platform::read_file(fd, text, sizeof text - 1);
    platform::close_file(fd);
    uint64_t count = 0;
    for (long long i = 0; i < n && text[i] >= '0' && text[i] <= '9' && count < UINT64_MAX / 10; ++i)
        count = count * 10 + static_cast<uint64_t>(text[i] - '0');
    return count;
}

bool SpillStore::erased_since_seen() const { return read_erasure_count() != erasures_seen_.load(); }

void SpillStore::accept_erasure() { erasures_seen_ = read_erasure_count(); }

bool SpillStore::write_file_atomically(const std::string& final_name, std::string_view text, std::string& error,
                                       Durability durability) const {
    const int dir_fd = directory(true, &error);
    if (dir_fd < 0) return false;
    DirLock writing(dir_fd, kWritersLockName, platform::FileLock::shared);
    if (erased_since_seen()) {
        error = "the data dir " + dir_.string() + " was erased (consent withdrawn or data deleted) since this "
                "process last looked; nothing written";
        return false;
    }
    // Always this process's pid: stale-temp cleanup by others judges by it.
    std::string temp_name = std::string(kTempPrefix) + std::to_string(unix_nano_now()) + "-" +
                            std::to_string(platform::current_pid()) + "-" + std::to_string(g_sequence.fetch_add(1)) + "-" + key_ +
                            std::string(kTempSuffix);
    return support::write_file_atomically({final_name, temp_name, durability, 0600, dir_fd, dir_}, text, error);
}

void SpillStore::make_durable(std::span<const std::string> names) const {
    const int dir_fd = directory(false);
    if (dir_fd < 0) return;
    for (const auto& name : names) {
        int fd = platform::open_at(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) continue;  // already sent and removed
        platform::sync_file(fd);
        platform::close_file(fd);
    }
    if (!names.empty()) platform::sync_file(dir_fd);
}

std::vector<WrittenFile> SpillStore::write(std::span<const Event> events, std::span<const std::string> pending,
                                           std::string& error, Durability durability) {
    std::vector<WrittenFile> written;
    for (auto& chunk : encode_chunks(tool_, pending, events)) {
        std::string name = std::string(kPrefix) + std::to_string(unix_nano_now()) + "-" + std::to_string(platform::current_pid()) +
                           "-" + std::to_string(g_sequence.fetch_add(1)) + "-" + key_ + std::string(kSuffix);
        if (!write_file_atomically(name, chunk.text, error, durability)) break;
        written.push_back({std::move(name), chunk.event_count});
    }
    return written;
}

bool SpillStore::owns(const std::string& name) const {
    const std::string_view key = key_in_name(name, kPrefix, kSuffix);
    if (!key.empty()) return key == key_;
    // Written before tool keys: the tool named near the start of the file, if any.
    const int dir_fd = directory(false);
    int fd = dir_fd < 0 ? -1 : platform::open_at(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    char head[kOwnerPeekBytes];
    const long long n = platform::read_at(fd, head, sizeof head, 0);
    platform::close_file(fd);
    if (n <= 0) return true;  // empty or unreadable: the flush moves it aside, whoever owns it
    const std::string_view text(head, static_cast<size_t>(n));
    constexpr std::string_view kToolField = "\"tool\":\"";
    const size_t at = text.find(kToolField);
    if (at == std::string_view::npos) return true;  // the Go package's bare array: everyone's
    const size_t begin = at + kToolField.size();
    const size_t end = text.find('"', begin);
    if (end == std::string_view::npos || text.substr(begin, end - begin).find('\\') != std::string_view::npos)
        return true;  // too long or escaped to tell from the head: decoded (and checked) when flushed
    return text.substr(begin, end - begin) == tool_;
}

std::vector<std::string> SpillStore::list() const {
    std::vector<std::string> names;
    const int dir_fd = directory(false);
    for (auto& name : entries_of(dir_fd)) {
        platform::FileStatus st;
        if (is_spill_file_name(name) && stat_entry(dir_fd, name, st) && st.regular && owns(name))
            names.push_back(std::move(name));
    }
    // Age order: by the writer's timestamp; names without one (foreign or hand-made) count as
    // oldest, then by name.
    auto age = [](const std::string& name) -> int64_t {
        std::string_view rest = std::string_view(name).substr(kPrefix.size());
        size_t digits = 0;
        while (digits < rest.size() && digits < 19 && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
        if (digits == 0) return -1;
        return std::stoll(std::string(rest.substr(0, digits)));
    };
    std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
        int64_t age_a = age(a), age_b = age(b);
        return age_a != age_b ? age_a < age_b : a < b;
    });
    return names;
}

uint64_t SpillStore::total_bytes() const {
    uint64_t total = 0;
    for (const auto& name : list()) {
        platform::FileStatus st;
        if (stat_entry(directory(false), name, st)) total += st.size;
    }
    return total;
}

std::optional<Claim> SpillStore::claim(const std::string& name) const {
    const int dir_fd = directory(false);
    int fd = dir_fd < 0 ? -1 : platform::open_at(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    Claim claim(fd, name);
    if (!platform::lock_file(fd, platform::FileLock::exclusive, false)) return std::nullopt;  // another process is sending it
    // It may have been deleted or replaced between open and flock.
    platform::FileStatus by_fd, by_name;
    if (!platform::stat_fd(fd, by_fd) || !stat_entry(dir_fd, name, by_name) || by_fd.inode != by_name.inode ||
        by_fd.device != by_name.device)
        return std::nullopt;
    return claim;
}

bool SpillStore::read(const Claim& claim, SpillContent& content, std::string& error) const {
    // A hostile or runaway file costs nothing to refuse: its size is checked before reading.
    platform::FileStatus st;
    if (platform::stat_fd(claim.fd(), st) && st.size > max_file_bytes_) {
        error = "the file is " + std::to_string(st.size) + " bytes, more than spill.max_bytes (" +
                std::to_string(max_file_bytes_) + "); not read";
        return false;
    }
    std::string text;
    if (!read_fd(claim.fd(), text, max_file_bytes_)) {
        error = errno == EFBIG ? "the file grew past spill.max_bytes (" + std::to_string(max_file_bytes_) +
                                     ") while read; not read"
                               : "cannot read: " + errno_text(errno);
        return false;
    }
    return decode(text, content, error);
}

bool SpillStore::peek(const std::string& name, SpillContent& content, std::string& error) const {
    const int dir_fd = directory(false, &error);
    if (dir_fd < 0) return false;
    int fd = platform::open_at(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        error = "cannot open: " + errno_text(errno);
        return false;
    }
    Claim holder(fd, name);
    return read(holder, content, error);
}

void SpillStore::remove(const Claim& claim) const {
    const int dir_fd = directory(false);
    if (dir_fd >= 0 && platform::unlink_at(dir_fd, claim.name()) != 0 && errno != ENOENT)
        detail::logger()->warn("overt: cannot remove spill file {}: {}", (dir_ / claim.name()).string(),
                               errno_text(errno));
}

bool SpillStore::rewrite(const Claim& claim, const SpillContent& content, std::string& error) const {
    std::string text = encode(content.tool.empty() ? tool_ : content.tool, content.pending, content.events);
    return write_file_atomically(claim.name(), text, error);
}

int SpillStore::corrupt_directory(bool create) const {
    const int dir_fd = directory(false);
    if (dir_fd < 0) return -1;
    if (create && platform::mkdir_at(dir_fd, kCorruptDirName, 0700) != 0 && errno != EEXIST) return -1;
    return platform::open_at(dir_fd, kCorruptDirName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

std::string SpillStore::move_aside(const Claim& claim) const {
    const int dir_fd = directory(false);
    const int corrupt_fd = corrupt_directory(true);
    std::string target = claim.name();
    platform::FileStatus st;
    if (corrupt_fd >= 0 && stat_entry(corrupt_fd, target, st)) target += "." + std::to_string(unix_nano_now());
    if (dir_fd < 0 || corrupt_fd < 0 || platform::rename_at(dir_fd, claim.name(), corrupt_fd, target) != 0) {
        detail::logger()->error("overt: cannot move corrupt spill file {} to {}: {}", (dir_ / claim.name()).string(),
                                (dir_ / kCorruptDirName / target).string(), errno_text(errno));
        if (corrupt_fd >= 0) platform::close_file(corrupt_fd);
        return (dir_ / claim.name()).string();
    }
    platform::close_file(corrupt_fd);
    return (dir_ / kCorruptDirName / target).string();
}

std::vector<PrunedFile> SpillStore::enforce_caps(size_t max_files, uint64_t max_bytes,
                                                 const KnownCount& known_count) const {
    std::vector<PrunedFile> pruned;
    // One pruner at a time, across threads and processes: two that list the same files would
    // each remove the excess and together drop more than the caps ask for.
    const int dir_fd = directory(false);
    DirLock pruning(dir_fd, kCapsLockName, platform::FileLock::exclusive);
    std::vector<std::string> names = list();
    std::vector<uint64_t> sizes;
    uint64_t total = 0;
    for (const auto& name : names) {
        platform::FileStatus st;
        sizes.push_back(stat_entry(dir_fd, name, st) ? st.size : 0);
        total += sizes.back();
    }
    size_t count = names.size();
    for (size_t i = 0; i < names.size() && (count > max_files || total > max_bytes); ++i) {
        auto claim = this->claim(names[i]);
        if (!claim) continue;  // being sent right now, or already gone
        size_t events = 0;
        if (!known_count || !known_count(names[i], events)) {
            SpillContent content;
            std::string error;
            events = read(*claim, content, error) ? content.events.size() : 0;
        }
        remove(*claim);
        pruned.push_back({names[i], events});
        --count;
        total -= sizes[i];
    }
    return pruned;
}

void SpillStore::remove_stale_temps() const {
    const int dir_fd = directory(false);
    const auto now = std::chrono::system_clock::now();
    for (const auto& name : entries_of(dir_fd)) {
        if (!is_temp_file_name(name)) continue;
        long pid = temp_file_pid(name);
        bool writer_dead = pid > 0 && pid != platform::current_pid() && !platform::process_exists(pid);
        platform::FileStatus st;
        bool old = stat_entry(dir_fd, name, st) &&
                   now - std::chrono::system_clock::from_time_t(st.mtime_ns / 1'000'000'000) > kStaleTempAge;
        if (writer_dead || old) platform::unlink_at(dir_fd, name);
    }
}

std::vector<std::string> SpillStore::erase_all() {
    std::vector<std::string> removed;
    const int dir_fd = directory(false);
    if (dir_fd < 0) return removed;
    // Exclusive: no writer is between its erasure check and its rename while files go.
    DirLock erasing(dir_fd, kWritersLockName, platform::FileLock::exclusive);
    const uint64_t erasures = read_erasure_count() + 1;
    std::string error;
    if (!support::write_file_atomically({kErasuresPrefix + key_, {}, Durability::fsync, 0600, dir_fd, dir_},
                                        std::to_string(erasures) + "\n", error))
        detail::logger()->error("overt: cannot record the erasure of {} for other processes: {}", dir_.string(),
                                error);
    for (const auto& name : list())
        if (platform::unlink_at(dir_fd, name) == 0) removed.push_back(name);
    for (const auto& name : entries_of(dir_fd)) {
        const std::string_view key = is_temp_file_name(name) ? key_in_name(name, kTempPrefix, kTempSuffix) : "";
        if (is_temp_file_name(name) && (key.empty() || key == key_)) platform::unlink_at(dir_fd, name);
    }
    // Moved-aside files keep their names: this tool's, and those too damaged to say whose.
    if (const int corrupt_fd = corrupt_directory(false); corrupt_fd >= 0) {
        for (const auto& name : entries_of(corrupt_fd)) {
            const size_t json_end = name.find(kSuffix);
            const std::string base = json_end == std::string::npos ? name : name.substr(0, json_end + kSuffix.size());
            const std::string_view key = is_spill_file_name(base) ? key_in_name(base, kPrefix, kSuffix) : "";
            if (key.empty() || key == key_) platform::unlink_at(corrupt_fd, name);
        }
        platform::close_file(corrupt_fd);
        platform::unlink_at(dir_fd, kCorruptDirName, true);  // only if now empty
    }
    erasures_seen_ = erasures;  // this store did it: what it holds now was erased by its owner
    return removed;
}

bool SpillStore::contains(const std::string& name) const {
    platform::FileStatus st;
    return stat_entry(directory(false), name, st);
}

}  // namespace overt::spill
