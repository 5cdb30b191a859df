// SPDX-License-Identifier: MIT
#include "nginx_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test_support.hpp"

extern char** environ;

namespace overt::test {
namespace {

namespace fs = std::filesystem;

std::string find_nginx() {
    for (const char* candidate : {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"})
        if (::access(candidate, X_OK) == 0) return candidate;
    throw std::runtime_error("nginx not found in /usr/sbin, /usr/local/sbin or /usr/bin (run packaging/install-deps.sh)");
}

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot pick a free port on 127.0.0.1");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool accepts_connections(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

NginxPeer::NginxPeer(const std::string& locations) : prefix_(make_temp_dir()) {
    const std::string nginx = find_nginx();
    const TestPki& pki = test_pki();
    fs::create_directories(fs::path(prefix_) / "logs");
    fs::create_directories(fs::path(prefix_) / "tmp");
    http_port_ = free_port();
    https_port_ = free_port();
    {
        std::ofstream conf(fs::path(prefix_) / "nginx.conf");
        // Running as root, workers would drop to nobody and lose the temp files: stay as we are.
        conf << (::geteuid() == 0 ? "user root;\n" : "")
             << "daemon off; master_process off; worker_processes 1; pid nginx.pid;\n"
             << "error_log logs/error.log info;\n"
             << "events { worker_connections 64; }\n"
             << "http {\n  access_log off;\n"
             << "  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fcgi;\n"
             << "  uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;\n"
             << "  client_body_buffer_size 1m; client_max_body_size 5m;\n"
             << "  server {\n    listen 127.0.0.1:" << http_port_ << ";\n"
             << "    listen 127.0.0.1:" << https_port_ << " ssl;\n"
             << "    ssl_certificate " << pki.server_chain << "; ssl_certificate_key " << pki.server_key << ";\n"
             << locations << "\n  }\n}\n";
    }
    std::vector<std::string> args = {nginx, "-p", prefix_ + "/", "-c", prefix_ + "/nginx.conf"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (int rc = ::posix_spawn(&pid_, nginx.c_str(), nullptr, nullptr, argv.data(), environ); rc != 0) {
        pid_ = -1;
        throw std::runtime_error("cannot start " + nginx + ": " + std::strerror(rc));
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!(accepts_connections(http_port_) && accepts_connections(https_port_))) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("nginx exited at start (status " + std::to_string(status) + "): " + error_log());
        }
        if (std::chrono::steady_clock::now() > give_up)
            throw std::runtime_error("nginx did not listen on 127.0.0.1 within 10 s: " + error_log());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

NginxPeer::~NginxPeer() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);  // fast shutdown
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    fs::remove_all(prefix_, ignored);
}

std::string NginxPeer::http_url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(http_port_) + path;
}

std::string NginxPeer::https_url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(https_port_) + path;
}

std::string NginxPeer::error_log() const { return read_file(fs::path(prefix_) / "logs" / "error.log"); }

}  // namespace overt::test
