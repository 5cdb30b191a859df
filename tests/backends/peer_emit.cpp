// SPDX-License-Identifier: MIT
// Sends sample events through one backend plugin (real plugin host, libcurl service) and
// saves the body of the first request, for the real-peer checks in tests/peers.
//
// usage: overt_peer_emit PLUGIN SETTINGS_JSON [OUT_FILE]
//   With OUT_FILE, "@URL@" in SETTINGS_JSON becomes a local capture server's URL and the
//   (gunzipped) body is written to OUT_FILE. Without it the settings are used as given.
//   Exit status 0 only if the send was accepted.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "capture_server.hpp"
#include "test_support.hpp"

int main(int argc, char** argv) {
    using namespace overt;
    if (argc < 3) {
        std::cerr << "usage: overt_peer_emit PLUGIN SETTINGS_JSON [OUT_FILE]\n";
        return 2;
    }
    try {
        std::string settings = argv[2];
        std::unique_ptr<test::CaptureServer> server;
        if (argc > 3) {
            server = std::make_unique<test::CaptureServer>();
            for (size_t at; (at = settings.find("@URL@")) != std::string::npos;) settings.replace(at, 5, server->url(""));
        }
        PluginHost host = test::make_test_host();
        auto sink = test::make_sink(host, argv[1], settings);
        auto events = test::sample_events(3);
        SendResult result = sink->send(events, test::deadline_in(std::chrono::seconds(10)));
        if (server) {
            auto requests = server->requests();
            if (requests.empty()) {
                std::cerr << "overt_peer_emit: the plugin sent no request\n";
                return 1;
            }
            std::ofstream(argv[3], std::ios::binary) << requests[0].decoded_body;
            std::ofstream(std::string(argv[3]) + ".headers") << [&] {
                std::string text;
                for (const auto& [k, v] : requests[0].headers) text += k + ": " + v + "\n";
                return text;
            }();
        }
        if (result.status != SendStatus::ok) {
            std::cerr << "overt_peer_emit: " << argv[1] << " send failed: " << result.message << "\n";
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "overt_peer_emit: " << e.what() << "\n";
        return 1;
    }
}
