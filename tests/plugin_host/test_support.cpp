// SPDX-License-Identifier: MIT
#include "test_support.hpp"

#include <openssl/evp.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace overt::test {

TempDir::TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/overt-plugin-test-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    // Tests make some entries read-only; open them up so removal works.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const std::string& path, const std::string& content, unsigned mode) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + path);
        out << content;
    }
    ::chmod(path.c_str(), mode);
}

void copy_file(const std::string& from, const std::string& to, unsigned mode) { write_file(to, read_file(from), mode); }

std::string sha256_of(const std::string& path) {
    const std::string bytes = read_file(path);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
    std::string hex;
    static constexpr char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < size; ++i) {
        hex += digits[digest[i] >> 4];
        hex += digits[digest[i] & 15];
    }
    return hex;
}

Event sample_event(const std::string& name) {
    auto origin = std::make_shared<Origin>();
    origin->machine_id = "0123456789abcdef";
    origin->tool_name = "mytool";
    origin->version = "1.2.3";
    origin->os = "linux";
    origin->arch = "amd64";
    origin->runtime_version = "gcc 12";
    origin->os_version = "6.1.0";
    Event e;
    e.event_id = new_event_id();
    e.timestamp_unix_nano = 1747000000123456789;
    e.type = "command.invocation";
    e.name = name;
    e.origin = origin;
    e.duration_ms = 42;
    e.exit_code = 3;
    e.set_args({"--flag", "value"});
    e.set_error("it <failed>");
    e.metadata = std::make_shared<Metadata>(Metadata{{"alpha", "1"}, {"beta", "2"}});
    return e;
}

}  // namespace overt::test
