// SPDX-License-Identifier: MIT
// overt-demo: a tiny command-line tool that embeds overt the way a real tool would. Each
// pretend command is timed and tracked with track_command; `build` also records a
// feature.used event. The collector is closed at exit, within its exit budget.
//
// Config: ./overt.yaml if present (or OVERT_DEMO_CONFIG), else defaults: tool "overt-demo",
// the file backend writing <data dir>/telemetry.ndjson. Nothing is recorded until the user
// runs `overt-demo telemetry enable` (or answers yes to the first-run prompt on a terminal).
// `overt-demo telemetry status|enable [--local-only]|disable|reset|doctor` is overt's command
// group, mounted in one call.
#include <overt/cli/telemetry_commands.hpp>
#include <overt/collector.hpp>
#include <overt/telemetry_commands.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

namespace {

std::unique_ptr<overt::Collector> open_telemetry() {
    const char* explicit_path = std::getenv("OVERT_DEMO_CONFIG");
    const std::string path = explicit_path && *explicit_path ? explicit_path : "overt.yaml";
    // Never throws: a bad overt.yaml gives a disabled collector and says why.
    auto telemetry = overt::Collector::open_or_disabled(path, "overt-demo");
    if (!telemetry->problem().empty()) std::cerr << "overt-demo: telemetry off: " << telemetry->problem() << "\n";
    return telemetry;
}

void pretend_work(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

int build(overt::Collector& telemetry) {
    std::cout << "building... ";
    pretend_work(20);
    telemetry.track(overt::event_type::feature_used, "incremental-build", {{"cache", "warm"}});
    std::cout << "done\n";
    return 0;
}

int test(overt::Collector&) {
    std::cout << "running 3 tests... ";
    pretend_work(30);
    std::cout << "3 passed\n";
    return 0;
}

int deploy(overt::Collector&) {
    std::cout << "deploying... ";
    pretend_work(10);
    std::cout << "failed: target unreachable\n";
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"overt-demo: a tiny tool embedding overt"};
    app.require_subcommand(1);
    int exit_code = 0;
    std::string ran;
    std::unique_ptr<overt::Collector> telemetry;
    auto pretend = [&](const char* name, int (*command)(overt::Collector&)) {
        app.add_subcommand(name, std::string("Pretend to ") + name)->callback([&, name, command] {
            // Asked once, on a terminal only (never in CI or when anything already decides).
            if (telemetry->problem().empty() && !telemetry->enabled() &&
                overt::ask_consent_once(telemetry->config()).outcome == overt::PromptOutcome::granted)
                telemetry = overt::Collector::open_or_disabled(telemetry->config());
            overt::CommandScope scope(*telemetry, name);
            exit_code = scope.exit(command(*telemetry));
        });
    };
    telemetry = open_telemetry();
    pretend("build", build);
    pretend("test", test);
    pretend("deploy", deploy);
    overt::cli::add_telemetry_commands(app, *telemetry, {}, &exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help exits 0; a telemetry command's failure keeps its code; other usage errors exit 2.
        const int code = app.exit(e);
        return code == 0 || e.get_name() == "RuntimeError" ? code : 2;
    }
    // Spills what is left and hands it to overt-sender; never holds the exit past its budget.
    telemetry->close();
    return exit_code;
}
