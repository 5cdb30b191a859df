// SPDX-License-Identifier: MIT
// Running examples/consumer the way a user runs a tool embedding overt, for the install and
// .deb tests.
#pragma once

#include "process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace overt::packaging_test {

// Runs examples/consumer with an overt.yaml sending to the installed file plugin, in a private
// HOME/XDG tree, and returns the events it delivered (parsed NDJSON lines).
class ConsumerRun {
   public:
    // An empty `plugin_dir` leaves OVERT_PLUGIN_PATH unset: the tool finds the plugins itself.
    // Without `with_config` the tool is given the path of an overt.yaml that does not exist.
    ConsumerRun(const std::string& executable, const std::filesystem::path& plugin_dir, const std::string& extra_env,
                bool with_config = true) {
        // The file plugin takes its path as given (relative to the working directory): absolute.
        std::ofstream(scratch_.path() / "overt.yaml") << "tool: {name: consumer, version: 1.0.0}\n"
                                                         "backends:\n"
                                                         "  - plugin: file\n"
                                                         "    path: " << (scratch_ / "events.ndjson") << "\n";
        const std::string env = "cd " + shell_quote(scratch_.path().string()) + " && env -u DO_NOT_TRACK -u CONSUMER_TELEMETRY" +
                                (plugin_dir.empty() ? std::string(" -u OVERT_PLUGIN_PATH") : std::string()) + " HOME=" + shell_quote(scratch_ / "home") +
                                " XDG_STATE_HOME=" + shell_quote(scratch_ / "state") +
                                " XDG_CONFIG_HOME=" + shell_quote(scratch_ / "config") +
                                (plugin_dir.empty() ? std::string()
                                                    : " OVERT_PLUGIN_PATH=" + shell_quote(plugin_dir.string())) +
                                " " + extra_env + " ";
        result = run(env + shell_quote(executable) + " " + shell_quote(scratch_ / (with_config ? "overt.yaml" : "none.yaml")));
        wait_for_sender(scratch_.path() / "state" / "overt" / "consumer");
        std::ifstream in(scratch_.path() / "events.ndjson");
        for (std::string line; std::getline(in, line);) events.push_back(nlohmann::json::parse(line, nullptr, false));
    }

    bool delivered(const std::string& type, const std::string& name) const {
        for (const auto& event : events)
            if (event.is_object() && event.value("type", "") == type && event.value("name", "") == name) return true;
        return false;
    }
    std::string dump() const {
        std::string out = result.output + "\nevents:\n";
        for (const auto& event : events) out += event.dump() + "\n";
        return out;
    }

    CommandResult result;
    std::vector<nlohmann::json> events;

   private:
    // The tool handed its events to overt-sender (the default exit delivery), which holds
    // <data_dir>/.sender.lock while it runs: wait (at most 10 s) until it is free.
    static void wait_for_sender(const std::filesystem::path& data_dir) {
        int fd = ::open((data_dir / ".sender.lock").c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) return;  // no sender was started
        for (int i = 0; i < 1000 && ::flock(fd, LOCK_EX | LOCK_NB) != 0; ++i) ::usleep(10'000);
        ::close(fd);
    }
    ScratchDir scratch_;
};

inline void expect_consumer_events(const ConsumerRun& consented) {
    ASSERT_EQ(consented.result.exit_code, 0) << consented.dump();
    EXPECT_EQ(consented.events.size(), 2u) << consented.dump();
    EXPECT_TRUE(consented.delivered("command.invocation", "consumer run")) << consented.dump();
    EXPECT_TRUE(consented.delivered("feature.used", "export")) << consented.dump();
}

}  // namespace overt::packaging_test
