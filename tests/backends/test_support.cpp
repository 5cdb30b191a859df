// SPDX-License-Identifier: MIT
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "plugin/plugin_host_factory.hpp"
#include "transport/http_service.hpp"

#ifndef OVERT_TEST_PLUGIN_DIR
#error "OVERT_TEST_PLUGIN_DIR must name the build tree's plugin dir"
#endif

namespace overt::test {

Event sample_event(std::string name, int32_t exit_code) {
    static auto origin = std::make_shared<const Origin>(
        Origin{"4a3f8c1d9e2b6f70", "mytool", "1.2.3", "linux", "amd64", "c++20-gcc12", "6.1.0-18-amd64"});
    static auto metadata = std::make_shared<const Metadata>(
        Metadata{{"env", "ci"}, {"event.name", "shadow"}, {"tool_name", "shadow"}, {"unicode", "h\u00e9llo \u2603 <&>"}});
    Event e;
    e.event_id = new_event_id();
    e.timestamp_unix_nano = 1774951200123456789;
    e.type = "command.invocation";
    e.name = std::move(name);
    e.origin = origin;
    e.duration_ms = 142;
    e.exit_code = exit_code;
    e.set_args({"--output", "<redacted>"});
    e.set_error(exit_code ? "exit status 2" : "");
    e.metadata = metadata;
    return e;
}

std::vector<Event> sample_events(size_t count) {
    std::vector<Event> events;
    for (size_t i = 0; i < count; ++i) events.push_back(sample_event("cmd" + std::to_string(i), static_cast<int32_t>(i % 3)));
    return events;
}

PluginHost make_test_host() {
    return plugin::make_plugin_host({OVERT_TEST_PLUGIN_DIR}, transport::make_http_service());
}

std::unique_ptr<Sink> make_sink(PluginHost& host, const std::string& plugin, const std::string& settings_json) {
    BackendConfig config;
    config.plugin = plugin;
    config.id = plugin;
    config.settings_json = settings_json;
    return host.create_sink(config);
}

std::string make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "overt-backends-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

namespace {

void run(const std::string& command) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
        throw std::runtime_error("test PKI: command failed: " + command);
}

TestPki make_pki() {
    TestPki pki;
    pki.dir = make_temp_dir();
    const std::string& d = pki.dir;
    for (const char* ca : {"ca", "other-ca"})
        run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=overt-test-" + std::string(ca) + " -keyout " +
            d + "/" + ca + ".key -out " + d + "/" + ca + ".pem");
    std::ofstream(d + "/ext.cnf") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    run("openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout " + d + "/server.key -out " + d +
        "/server.csr");
    run("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.pem -CAkey " + d + "/ca.key -CAcreateserial -days 2 -extfile " +
        d + "/ext.cnf -out " + d + "/server.pem");
    pki.ca_cert = d + "/ca.pem";
    pki.other_ca_cert = d + "/other-ca.pem";
    pki.server_chain = d + "/server.pem";
    pki.server_key = d + "/server.key";
    return pki;
}

}  // namespace

const TestPki& test_pki() {
    static const TestPki pki = make_pki();
    return pki;
}

}  // namespace overt::test
