// SPDX-License-Identifier: MIT
// load_plugin_check DIR NAME: loads libovert-NAME.so from DIR through the plugin host and
// sends one event. Exit 0 on OK, 1 with the reason otherwise. Used by the out-of-tree test.
#include <overt/plugins.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <memory>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: load_plugin_check DIR NAME\n";
        return 2;
    }
    try {
        overt::PluginHost host({argv[1]});
        auto sink = host.create_sink({argv[2], argv[2], "{}", "", 0});
        auto origin = std::make_shared<overt::Origin>();
        origin->tool_name = "oot";
        overt::Event event;
        event.event_id = overt::new_event_id();
        event.type = "feature.used";
        event.name = "out-of-tree";
        event.origin = origin;
        const auto result = sink->send(std::span(&event, 1), overt::Clock::now() + std::chrono::seconds(5));
        if (result.status != overt::SendStatus::ok) {
            std::cerr << "send failed: " << result.message << "\n";
            return 1;
        }
        std::cout << "sent 1 event through " << sink->describe() << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
