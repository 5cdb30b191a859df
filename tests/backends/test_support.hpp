// SPDX-License-Identifier: MIT
// Shared helpers for the backend tests: sample events, throwaway TLS material, a plugin
// host with the real libcurl service.
#pragma once

#include <overt/event.hpp>
#include <overt/plugins.hpp>
#include <overt/sink.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace overt::test {

// A command event with args, error and metadata (some metadata keys collide with the
// standard attribute names of every backend).
Event sample_event(std::string name = "generate", int32_t exit_code = 0);
std::vector<Event> sample_events(size_t count);

// A plugin host over the build tree's plugin dir and make_http_service() (the transport module).
PluginHost make_test_host();
std::unique_ptr<Sink> make_sink(PluginHost& host, const std::string& plugin, const std::string& settings_json);

inline Deadline deadline_in(std::chrono::milliseconds ms) { return Clock::now() + ms; }

// A throwaway CA and a server certificate for 127.0.0.1/localhost it signed, made with the
// openssl command in a fresh temporary directory; plus a second, unrelated CA.
struct TestPki {
    std::string dir;
    std::string ca_cert;
    std::string other_ca_cert;
    std::string server_chain;
    std::string server_key;
};
const TestPki& test_pki();  // made once per process

std::string make_temp_dir();

}  // namespace overt::test
