// SPDX-License-Identifier: MIT
// overt-demo: a tiny command-line tool that embeds overt the way a real tool would. Each
// pretend command is timed and tracked with track_command; `build` also records a
// feature.used event. The collector is closed at exit, within its exit budget.
//
// Config: ./overt.yaml if present (or OVERT_DEMO_CONFIG), else defaults: tool "overt-demo",
// the file backend writing <data dir>/telemetry.ndjson. Nothing is recorded until the user
// runs `overt enable --tool overt-demo`.
#include <overt/collector.hpp>
#include <overt/config.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>

namespace {

overt::Config demo_config() {
    const char* explicit_path = std::getenv("OVERT_DEMO_CONFIG");
    if (explicit_path && *explicit_path) return overt::load_config(explicit_path);
    if (std::filesystem::is_regular_file("overt.yaml")) return overt::load_config("overt.yaml");
    overt::Config config;
    config.tool_name = "overt-demo";
    config.tool_version = "1.0.0";
    return config;
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

int usage() {
    std::cerr << "usage: overt-demo build|test|deploy\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    const std::map<std::string, std::function<int(overt::Collector&)>> commands{
        {"build", build}, {"test", test}, {"deploy", deploy}};
    if (argc != 2 || !commands.count(argv[1])) return usage();

    std::unique_ptr<overt::Collector> telemetry;
    try {
        telemetry = overt::Collector::open(demo_config());
    } catch (const overt::ConfigError& e) {
        std::cerr << "overt-demo: " << e.what() << "\n";
        return 2;
    }

    const std::string name = argv[1];
    const auto started = std::chrono::steady_clock::now();
    const int exit_code = commands.at(name)(*telemetry);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    telemetry->track_command(name, elapsed.count(), exit_code);
    // Delivers within exit_budget_ms; anything left is spilled for the next run.
    telemetry->close();
    return exit_code;
}
