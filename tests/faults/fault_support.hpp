// SPDX-License-Identifier: MIT
// Helpers for the fault suite: a sink that records delivered event ids in a file shared by
// processes, a tiny tmpfs mount, and readers for what is on disk.
#pragma once

#include "test_support.hpp"  // tests/collector: FakeSink, TempDir, test_config, granted, ...

#include "spill/spill_store.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>

namespace overt::testing {

// A listening TCP socket on 127.0.0.1 at a free port (set in `port`); throws naming `what`.
inline int listen_on_loopback(int backlog, int& port, const char* what) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(fd, backlog) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error(std::string(what) + " listener failed: " + std::strerror(errno));
    }
    port = ntohs(address.sin_port);
    return fd;
}

// Appends the ids of every accepted batch with one O_APPEND write, so lines from several
// processes never interleave. The line is written before send() returns OK: an id in the
// file is an acknowledged delivery.
class AppendSink : public Sink {
   public:
    AppendSink(std::string id, fs::path path, std::chrono::milliseconds delay = {})
        : id_(std::move(id)), path_(std::move(path)), delay_(delay) {}
    const std::string& id() const override { return id_; }
    std::string describe() const override { return "append (" + path_.string() + ")"; }
    SendResult send(std::span<const Event> events, Deadline) override {
        std::string lines;
        for (const auto& event : events) lines += event.event_id.str() + "\n";
        if (delay_.count()) std::this_thread::sleep_for(delay_);
        int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) return SendResult{SendStatus::retry, -1, 0, "open failed"};
        bool ok = ::write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size());
        ::close(fd);
        return ok ? SendResult::ok() : SendResult{SendStatus::retry, -1, 0, "short write"};
    }

   private:
    std::string id_;
    fs::path path_;
    std::chrono::milliseconds delay_;
};

// Polls `done` every 20 ms until it holds or `limit` passes (work of a detached process).
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit) {
    const auto until = Clock::now() + limit;
    while (Clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

// id -> how many times it appears, one id per line.
inline std::map<std::string, int> count_lines(const fs::path& path) {
    std::map<std::string, int> seen;
    std::istringstream lines(read_file(path));
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) ++seen[line];
    return seen;
}

// Every event id in the readable spill files of `dir`.
inline std::set<std::string> ids_on_disk(const fs::path& dir, const std::string& tool = "mytool") {
    std::set<std::string> ids;
    spill::SpillStore store(dir, tool);
    for (const auto& name : store.list()) {
        spill::SpillContent content;
        std::string error;
        if (store.peek(name, content, error))
            for (const auto& event : content.events) ids.insert(event.event_id.str());
    }
    return ids;
}

// A tmpfs of `size` mounted on a fresh directory (we run as root here and in CI); unmounted
// and removed on destruction. ok() false with error() naming why the mount failed.
class TmpfsMount {
   public:
    explicit TmpfsMount(const std::string& options) {
        std::string pattern = (fs::temp_directory_path() / "overt-faults-mnt-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) {
            error_ = std::string("mkdtemp: ") + std::strerror(errno);
            return;
        }
        path_ = pattern;
        if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
            error_ = "mount -t tmpfs -o " + options + " " + path_.string() + ": " + std::strerror(errno) +
                     " (the fault suite needs root or CAP_SYS_ADMIN to make a tiny file system)";
            return;
        }
        mounted_ = true;
    }
    ~TmpfsMount() {
        if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    bool ok() const { return mounted_; }
    const std::string& error() const { return error_; }
    const fs::path& path() const { return path_; }
    // Remounts read-only or read-write.
    bool remount(bool read_only) {
        unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
        return ::mount("tmpfs", path_.c_str(), "tmpfs", flags, nullptr) == 0;
    }

   private:
    fs::path path_;
    std::string error_;
    bool mounted_ = false;
};

}  // namespace overt::testing
