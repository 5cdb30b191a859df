// SPDX-License-Identifier: MIT
// Whole-process cost of telemetry: launches a plain C++ program that does not link overt (the
// baseline), the same program linking libovert without calling it, and bench/cli_overhead_tool
// with telemetry off and on, round robin, and prints median and p95 wall time per mode as JSON,
// each median also as ms over the plain program. Telemetry on: the default config (exit_delivery
// background: overt-sender delivers) and exit_delivery: inline, each against a 127.0.0.1 endpoint
// that is up, refusing connections, or black-holed (accepts, never answers). The senders of
// earlier launches keep running meanwhile, as on a real machine.
// Usage: overt_bench_cli_overhead <overt tool> <plain tool> <link-only tool> <plugin dir> [runs per mode]
//        [modes, comma-separated, e.g. plain,link_only,off: a quicker run of only those; plain is always run]
#include "bench_support.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

struct Mode {
    std::string name;
    std::string program;
    std::string config_path;
    std::vector<double> wall_ms;
    int failures = 0;
    std::string failure_text;
};

enum class Telemetry { off, on };

// exit_delivery "" leaves it at the default: background (overt-sender delivers); exit budget 200 ms.
std::string config_text(const std::string& data_dir, const std::string& plugin_dir, const std::string& endpoint,
                        Telemetry telemetry, const std::string& exit_delivery) {
    std::string text = "tool: {name: benchtool, version: 1.0.0}\n";
    text += telemetry == Telemetry::on ? "force_enabled: true\n" : "enabled: false\n";
    if (!exit_delivery.empty()) text += "exit_delivery: " + exit_delivery + "\n";
    text += "data_dir: " + data_dir + "\n";
    text += "plugin_dirs: [" + plugin_dir + "]\n";
    text += "backends:\n  - plugin: http\n    endpoint: " + endpoint + "\n";
    return text;
}

// Wall time of one launch, fork/exec to reaped; -1 on a failed launch or non-zero exit.
double launch(const std::string& tool, const std::string& config, std::string& failure) {
    std::vector<char*> argv{const_cast<char*>(tool.c_str()), const_cast<char*>(config.c_str()), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const auto start = Clock::now();
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, tool.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        failure = "posix_spawn failed: " + std::to_string(spawned);
        return -1;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        failure = "the tool exited with status " + std::to_string(status);
        return -1;
    }
    return ms;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const double rank = p * static_cast<double>(values.size() - 1);
    const auto low = static_cast<size_t>(rank);
    const size_t high = std::min(low + 1, values.size() - 1);
    return values[low] + (values[high] - values[low]) * (rank - static_cast<double>(low));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s <overt tool> <plain tool> <link-only tool> <plugin dir> [runs per mode] [modes]\n",
                     argv[0]);
        return 2;
    }
    const std::string overt_tool = argv[1];
    const std::string plain_tool = argv[2];
    const std::string link_only_tool = argv[3];
    const std::string plugin_dir = argv[4];
    const int runs = argc > 5 ? std::atoi(argv[5]) : 200;
    const std::string only_modes = argc > 6 ? "," + std::string(argv[6]) + "," : std::string();

    const std::string root = overt::bench::make_temp_dir();
    ::setenv("HOME", root.c_str(), 1);  // the consent store and caches live under it
    ::setenv("XDG_CONFIG_HOME", (root + "/config").c_str(), 1);
    ::setenv("XDG_STATE_HOME", (root + "/state").c_str(), 1);
    ::unsetenv("DO_NOT_TRACK");
    ::unsetenv("OVERT_PLUGIN_PATH");

    overt::bench::LocalHttpServer up;
    overt::bench::BlackHoleListener black_hole;
    const int refused = overt::bench::refused_port();
    const std::string up_url = up.url("/events");
    const std::string black_hole_url = "http://127.0.0.1:" + std::to_string(black_hole.port()) + "/events";
    const std::string refused_url = "http://127.0.0.1:" + std::to_string(refused) + "/events";
    struct Setup {
        std::string name;
        std::string program;
        std::string endpoint;
        Telemetry telemetry;
        std::string exit_delivery;  // "" = the default (background)
    };
    // plain first: every other median is reported over it.
    const std::vector<Setup> setups{
        {"plain", plain_tool, up_url, Telemetry::off, ""},
        {"link_only", link_only_tool, up_url, Telemetry::off, ""},
        {"off", overt_tool, up_url, Telemetry::off, ""},
        {"default_up", overt_tool, up_url, Telemetry::on, ""},
        {"default_refused", overt_tool, refused_url, Telemetry::on, ""},
        {"default_black_holed", overt_tool, black_hole_url, Telemetry::on, ""},
        {"inline_up", overt_tool, up_url, Telemetry::on, "inline"},
        {"inline_refused", overt_tool, refused_url, Telemetry::on, "inline"},
        {"inline_black_holed", overt_tool, black_hole_url, Telemetry::on, "inline"},
    };
    std::vector<Mode> modes;
    for (const auto& setup : setups) {
        if (!only_modes.empty() && setup.name != "plain" && only_modes.find("," + setup.name + ",") == std::string::npos)
            continue;
        Mode mode{setup.name, setup.program, root + "/" + setup.name + ".yaml", {}, 0, {}};
        std::ofstream(mode.config_path) << config_text(root + "/data-" + setup.name, plugin_dir, setup.endpoint,
                                                       setup.telemetry, setup.exit_delivery);
        modes.push_back(std::move(mode));
    }
    // Round robin, so drifting machine load hits every mode alike; one warm-up launch each.
    for (auto& mode : modes) launch(mode.program, mode.config_path, mode.failure_text);
    for (int run = 0; run < runs; ++run) {
        for (auto& mode : modes) {
            std::string failure;
            double ms = launch(mode.program, mode.config_path, failure);
            if (ms < 0) {
                ++mode.failures;
                mode.failure_text = failure;
            } else {
                mode.wall_ms.push_back(ms);
            }
        }
    }

    nlohmann::json out;
    out["runs_per_mode"] = runs;
    out["baseline"] = "plain";
    const double plain_median = percentile(modes.front().wall_ms, 0.5);
    double off_median = 0;
    for (const auto& mode : modes)
        if (mode.name == "off") off_median = percentile(mode.wall_ms, 0.5);
    for (const auto& mode : modes) {
        const double median = percentile(mode.wall_ms, 0.5);
        nlohmann::json entry{{"median_ms", median},
                             {"p95_ms", percentile(mode.wall_ms, 0.95)},
                             {"min_ms", percentile(mode.wall_ms, 0.0)},
                             {"failures", mode.failures}};
        if (mode.name != "plain") entry["median_over_plain_ms"] = median - plain_median;
        // Secondary: what turning telemetry on adds to a tool that already links and opens overt.
        if (mode.name.starts_with("inline_") || mode.name.starts_with("default_"))
            entry["median_over_telemetry_off_ms"] = median - off_median;
        if (mode.failures) entry["failure"] = mode.failure_text;
        out["modes"][mode.name] = entry;
    }
    out["requests_received_by_up_endpoint"] = up.requests();
    std::cout << out.dump(2) << std::endl;
    overt::bench::remove_tree(root);
    return 0;
}
