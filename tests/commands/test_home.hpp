// SPDX-License-Identifier: MIT
// A fresh HOME for each test: config and state dirs inside a temporary directory, and none of
// the variables that decide consent inherited from the caller.
#pragma once

#include "test_env.hpp"

#include <overt/config.hpp>

#include <fstream>
#include <iostream>
#include <thread>
#include <memory>
#include <sstream>
#include <string>

namespace overt::test {

class FreshHome {
   public:
    FreshHome()
        : home_("HOME", (dir_.str() + "/home").c_str()),
          config_("XDG_CONFIG_HOME", (dir_.str() + "/config").c_str()),
          state_("XDG_STATE_HOME", (dir_.str() + "/state").c_str()),
          dnt_("DO_NOT_TRACK", nullptr),
          ci_("CI", nullptr),
          tool_env_("CMDTEST_TELEMETRY", nullptr),
          plugins_("OVERT_PLUGIN_PATH", OVERT_TEST_PLUGIN_DIR) {}
    const TempDir& dir() const { return dir_; }
    std::string consent_file() const { return dir_.str() + "/config/overt/cmdtest/consent.yaml"; }
    std::string data_dir() const { return dir_.str() + "/state/overt/cmdtest"; }

    static Config config() {
        Config config;
        config.tool_name = "cmdtest";
        config.exit_delivery = ExitDelivery::in_process;
        return config;
    }

   private:
    TempDir dir_;
    ScopedEnv home_, config_, state_, dnt_, ci_, tool_env_, plugins_;
};

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace overt::test
