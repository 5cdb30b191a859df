// SPDX-License-Identifier: MIT
// A command-line tool embedding overt (the README's "Embedding overt in a tool").
#include <overt/collector.hpp>

#include <chrono>
#include <iostream>

int main(int argc, char** argv) {
    const auto start = std::chrono::steady_clock::now();
    // overt.yaml names the tool and its backends; nothing is recorded without the user's consent.
    auto telemetry = overt::Collector::open(overt::load_config(argc > 1 ? argv[1] : "overt.yaml"));

    telemetry->track(overt::event_type::feature_used, "export", {{"format", "csv"}});
    // ... the tool's real work ...
    const auto elapsed = std::chrono::steady_clock::now() - start;
    telemetry->track_command("consumer run", std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 0);

    // Spills what is buffered and hands it to overt-sender, which loads the backends and delivers
    // after this process exits (exit_delivery: background, the default): no plugin code runs here.
    std::cerr << telemetry->close().summary() << '\n';
}
