// SPDX-License-Identifier: MIT
#include "delivery/counters_file.hpp"

#include "platform/fd.hpp"
#include "support/atomic_file.hpp"
#include "support/logger.hpp"


#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace overt {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kFileName = "counters.json";

PersistedCounters parse(const std::string& text, const std::string& path) {
    PersistedCounters out;
    try {
        json document = json::parse(text);
        if (!document.is_object()) throw std::runtime_error("not a JSON object");
        auto number = [&](const char* key, uint64_t& field) {
            if (auto it = document.find(key); it != document.end()) field = it->get<uint64_t>();
        };
        number("tracked", out.tracked);
        number("recovered", out.recovered);
        number("sent", out.sent);
        number("handed_off", out.handed_off);
        number("corrupt_files", out.corrupt_files);
        if (auto it = document.find("dropped"); it != document.end())
            for (const auto& [reason, count] : it->items()) out.dropped[reason] = count.get<uint64_t>();
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": not a valid counters file: " + e.what());
    }
    return out;
}

json to_json(const PersistedCounters& counters) {
    json dropped = json::object();
    for (const auto& [reason, count] : counters.dropped) dropped[reason] = count;
    return json{{"tracked", counters.tracked},     {"recovered", counters.recovered},
                {"sent", counters.sent},           {"handed_off", counters.handed_off},
                {"corrupt_files", counters.corrupt_files}, {"dropped", dropped}};
}

}  // namespace

PersistedCounters read_persisted_counters(const std::string& data_dir) {
    fs::path path = fs::path(data_dir) / kFileName;
    std::ifstream in(path);
    if (!in) return {};
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), path.string());
}

namespace detail {

void add_counts(PersistedCounters& total, const PersistedCounters& delta) {
    total.tracked += delta.tracked;
    total.recovered += delta.recovered;
    total.sent += delta.sent;
    total.handed_off += delta.handed_off;
    total.corrupt_files += delta.corrupt_files;
    for (const auto& [reason, count] : delta.dropped) total.dropped[reason] += count;
}

bool add_to_persisted_counters(const std::string& data_dir, const PersistedCounters& delta,
                               support::Durability durability) {
    fs::path dir(data_dir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return false;
    int lock_fd = platform::open_file((dir / ".counters.lock").string(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd < 0) return false;
    platform::lock_file(lock_fd, platform::FileLock::exclusive);  // short: read, add, rename
    bool ok = false;
    try {
        PersistedCounters total;
        try {
            total = read_persisted_counters(data_dir);
        } catch (const std::exception& e) {
            logger()->warn("overt: {}; starting the counters again from zero", e.what());
        }
        add_counts(total, delta);
        std::string error;
        ok = support::write_file_atomically(support::AtomicWrite::at(dir / kFileName, durability),
                                            to_json(total).dump(2) + "\n", error);
        if (!ok) logger()->warn("overt: {}", error);
    } catch (const std::exception& e) {
        logger()->warn("overt: cannot update {}: {}", (dir / kFileName).string(), e.what());
        ok = false;
    }
    platform::lock_file(lock_fd, platform::FileLock::unlock);
    platform::close_file(lock_fd);
    return ok;
}

}  // namespace detail
}  // namespace overt
