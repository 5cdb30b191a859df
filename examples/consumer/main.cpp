// SPDX-License-Identifier: MIT
// A command-line tool embedding overt (the README's "Embedding overt in a tool").
#include <overt/collector.hpp>

#include <iostream>

int main(int argc, char** argv) {
    // overt.yaml names the tool and its backends; without one, the defaults for "consumer" apply.
    // Never throws: a bad file gives a collector that records nothing, and problem() says why.
    // Nothing is recorded without the user's consent (`overt enable --tool consumer`).
    auto telemetry = overt::Collector::open_or_disabled(argc > 1 ? argv[1] : "overt.yaml", "consumer");
    if (!telemetry->problem().empty()) std::cerr << "consumer: telemetry off: " << telemetry->problem() << '\n';
    {
        overt::CommandScope command(*telemetry, "consumer run");  // its duration and exit code, at scope end
        telemetry->track(overt::event_type::feature_used, "export", {{"format", "csv"}});
        // ... the tool's real work ...
        command.set_exit_code(0);
    }
    // Spills what is buffered and hands it to overt-sender, which loads the backends and delivers
    // after this process exits (exit_delivery: background, the default): no plugin code runs here.
    std::cerr << telemetry->close().summary() << '\n';
}
