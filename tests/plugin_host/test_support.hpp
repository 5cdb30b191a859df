// SPDX-License-Identifier: MIT
// Helpers shared by the plugin host tests.
#pragma once

#include <overt/event.hpp>
#include <overt/sink.hpp>

#include <chrono>

#include <string>

namespace overt::test {

// A send deadline far enough away that no test reaches it.
inline overt::Deadline soon() { return overt::Clock::now() + std::chrono::seconds(5); }

// A fresh 0700 directory under $TMPDIR, removed with everything in it.
class TempDir {
   public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const noexcept { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

   private:
    std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content, unsigned mode = 0644);
// Copies a file, keeping nothing but the bytes; the copy gets `mode`.
void copy_file(const std::string& from, const std::string& to, unsigned mode = 0755);
std::string sha256_of(const std::string& path);

inline std::string test_plugin(const std::string& name) {
    return std::string(OVERT_TEST_PLUGIN_DIR) + "/libovert-" + name + ".so";
}

// An event with every field set, metadata sorted.
Event sample_event(const std::string& name);

}  // namespace overt::test
