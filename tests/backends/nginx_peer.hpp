// SPDX-License-Identifier: MIT
// A real nginx (Debian nginx-light) on 127.0.0.1 for fault cases: run in the foreground with a
// throwaway prefix and config, on ephemeral ports, plain HTTP and TLS with the test CA.
#pragma once

#include <sys/types.h>

#include <string>

namespace overt::test {

class NginxPeer {
   public:
    // Starts nginx with `locations` (nginx config text inside both server blocks). Throws
    // std::runtime_error naming what failed (nginx missing, config refused, never listened).
    explicit NginxPeer(const std::string& locations);
    ~NginxPeer();
    NginxPeer(const NginxPeer&) = delete;
    NginxPeer& operator=(const NginxPeer&) = delete;

    std::string http_url(const std::string& path) const;
    std::string https_url(const std::string& path) const;  // certificate for 127.0.0.1 by the test CA
    std::string error_log() const;

   private:
    std::string prefix_;
    int http_port_ = 0;
    int https_port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace overt::test
