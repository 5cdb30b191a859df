// SPDX-License-Identifier: MIT
// Consent: the precedence table, Go ParseBool, and the consent file (format, modes, corruption).
#include <overt/consent.hpp>

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <sys/stat.h>

namespace {

using overt::Consent;
using overt::test::TempDir;
using overt::test::mode_of;

struct FakeEnv {
    std::map<std::string, std::string> values;
    overt::GetEnv getenv() const {
        return [this](const char* name) -> const char* {
            auto found = values.find(name);
            return found == values.end() ? nullptr : found->second.c_str();
        };
    }
};

overt::Config tool_config() {
    overt::Config config;
    config.tool_name = "my-tool";
    return config;
}

TEST(ConsentDecision, AuthorDisabledBeatsEverything) {
    auto config = tool_config();
    config.enabled = false;
    config.force_enabled = true;
    FakeEnv env{{{"MY_TOOL_TELEMETRY", "1"}}};
    const auto decision = overt::decide_consent(config, Consent::granted, env.getenv());
    EXPECT_FALSE(decision.collect);
    EXPECT_NE(decision.reason.find("disabled by the tool author"), std::string::npos) << decision.reason;
}

TEST(ConsentDecision, ForceEnabledBeatsDoNotTrackAndStoredDenial) {
    auto config = tool_config();
    config.force_enabled = true;
    FakeEnv env{{{"DO_NOT_TRACK", "1"}, {"MY_TOOL_TELEMETRY", "false"}}};
    EXPECT_TRUE(overt::decide_consent(config, Consent::denied, env.getenv()).collect);
}

TEST(ConsentDecision, DoNotTrackBeatsToolVariableAndStoredConsent) {
    for (const char* value : {"1", "true", "yes", "anything"}) {
        FakeEnv env{{{"DO_NOT_TRACK", value}, {"MY_TOOL_TELEMETRY", "true"}}};
        const auto decision = overt::decide_consent(tool_config(), Consent::granted, env.getenv());
        EXPECT_FALSE(decision.collect) << value;
        EXPECT_EQ(decision.reason, "DO_NOT_TRACK is set");
    }
    // Empty, "0" and "false" do not opt out.
    for (const char* value : {"", "0", "false"}) {
        FakeEnv env{{{"DO_NOT_TRACK", value}}};
        EXPECT_TRUE(overt::decide_consent(tool_config(), Consent::granted, env.getenv()).collect) << value;
    }
}

TEST(ConsentDecision, ToolVariableFollowsGoParseBool) {
    for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"}) {
        FakeEnv env{{{"MY_TOOL_TELEMETRY", yes}}};
        EXPECT_TRUE(overt::decide_consent(tool_config(), Consent::denied, env.getenv()).collect) << yes;
    }
    for (const char* no : {"0", "f", "F", "FALSE", "false", "False"}) {
        FakeEnv env{{{"MY_TOOL_TELEMETRY", no}}};
        EXPECT_FALSE(overt::decide_consent(tool_config(), Consent::granted, env.getenv()).collect) << no;
    }
}

TEST(ConsentDecision, InvalidToolVariableIsOffWithReason) {
    for (const char* bad : {"yes", "on", "tRUE", "", " 1", "2"}) {
        FakeEnv env{{{"MY_TOOL_TELEMETRY", bad}}};
        const auto decision = overt::decide_consent(tool_config(), Consent::granted, env.getenv());
        EXPECT_FALSE(decision.collect) << bad;
        EXPECT_NE(decision.reason.find("MY_TOOL_TELEMETRY"), std::string::npos) << decision.reason;
        EXPECT_NE(decision.reason.find("not a boolean"), std::string::npos) << decision.reason;
    }
}

TEST(ConsentDecision, StoredConsentLast) {
    FakeEnv env;
    EXPECT_TRUE(overt::decide_consent(tool_config(), Consent::granted, env.getenv()).collect);
    EXPECT_FALSE(overt::decide_consent(tool_config(), Consent::denied, env.getenv()).collect);
    const auto unset = overt::decide_consent(tool_config(), Consent::unset, env.getenv());
    EXPECT_FALSE(unset.collect);
    EXPECT_FALSE(unset.reason.empty());
}

TEST(ConsentDecision, EnvVariableName) {
    EXPECT_EQ(overt::telemetry_env_var("my-tool"), "MY_TOOL_TELEMETRY");
    EXPECT_EQ(overt::telemetry_env_var("Tool.v2"), "TOOL_V2_TELEMETRY");
}

TEST(ParseGoBool, RejectsEverythingElse) {
    bool value = true;
    EXPECT_TRUE(overt::parse_go_bool("F", value));
    EXPECT_FALSE(value);
    EXPECT_FALSE(overt::parse_go_bool("yes", value));
    EXPECT_FALSE(overt::parse_go_bool("tRuE", value));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(ConsentStore, MissingFileIsUnsetWithoutWarning) {
    TempDir dir;
    auto store = overt::ConsentStore::at_path(dir.str() + "/none/consent.yaml");
    EXPECT_EQ(store.load(), Consent::unset);
    EXPECT_EQ(store.warning(), "");
}

TEST(ConsentStore, SaveAndLoadRoundTripPrivately) {
    TempDir dir;
    const std::string path = dir.str() + "/cfg/overt/my-tool/consent.yaml";
    auto store = overt::ConsentStore::at_path(path);
    store.set_local_only(true);
    store.save(Consent::granted);
    EXPECT_EQ(mode_of(path), 0600u);
    EXPECT_EQ(mode_of(dir.str() + "/cfg/overt/my-tool"), 0700u);
    EXPECT_NE(read_file(path).find("enabled: true"), std::string::npos);

    auto reread = overt::ConsentStore::at_path(path);
    EXPECT_EQ(reread.load(), Consent::granted);
    EXPECT_TRUE(reread.local_only());
    reread.set_local_only(false);
    reread.save(Consent::denied);
    EXPECT_EQ(overt::ConsentStore::at_path(path).load(), Consent::denied);
    // No temp files left beside it.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.str() + "/cfg/overt/my-tool"),
                            std::filesystem::directory_iterator()),
              1);
    EXPECT_TRUE(reread.clear());
    EXPECT_EQ(reread.load(), Consent::unset);
    EXPECT_FALSE(reread.clear());
}

TEST(ConsentStore, CorruptFileIsUnsetWithWarningNamingTheFile) {
    TempDir dir;
    const std::string path = dir.str() + "/consent.yaml";
    const std::string corrupt[] = {
        "telemetry: [unclosed\n",
        "telemetry:\n  enabled: maybe\n",
        "just text\n",
        "telemetry:\n  local_only: true\n",
        "telemetry:\n  enabled: true\n  local_only: 7\n",
    };
    for (const auto& content : corrupt) {
        { std::ofstream(path) << content; }
        auto store = overt::ConsentStore::at_path(path);
        EXPECT_EQ(store.load(), Consent::unset) << content;
        EXPECT_NE(store.warning().find(path), std::string::npos) << content << " -> " << store.warning();
        EXPECT_FALSE(store.local_only());
    }
}

TEST(ConsentStore, UnwritableLocationThrowsNamingThePath) {
    TempDir dir;
    { std::ofstream(dir.str() + "/file") << "x"; }
    auto store = overt::ConsentStore::at_path(dir.str() + "/file/consent.yaml");
    try {
        store.save(Consent::granted);
        FAIL() << "save into a path below a regular file succeeded";
    } catch (const std::runtime_error& problem) {
        EXPECT_NE(std::string(problem.what()).find(dir.str() + "/file"), std::string::npos) << problem.what();
    }
}

TEST(ConsentStore, DefaultPathIsInTheUserConfigDir) {
    overt::test::ScopedEnv xdg("XDG_CONFIG_HOME", "/cfg");
    EXPECT_EQ(overt::ConsentStore("my tool").path(), "/cfg/overt/my_tool-ba077b42/consent.yaml");
}

TEST(DecideConsent, LocalOnlyFromTheEnvironmentOrTheConsentFile) {
    FakeEnv local{{{"MY_TOOL_TELEMETRY", "local"}}};
    const auto from_env = overt::decide_consent(tool_config(), Consent::unset, local.getenv());
    EXPECT_TRUE(from_env.collect);
    EXPECT_TRUE(from_env.local_only);
    FakeEnv none{{}};
    const auto stored = overt::decide_consent(tool_config(), Consent::granted, true, none.getenv());
    EXPECT_TRUE(stored.collect);
    EXPECT_TRUE(stored.local_only);
    EXPECT_FALSE(overt::decide_consent(tool_config(), Consent::granted, none.getenv()).local_only);
    // A plain lambda as the environment still picks the three-argument form.
    EXPECT_FALSE(overt::decide_consent(tool_config(), Consent::granted, [](const char*) -> const char* {
                     return nullptr;
                 }).local_only);
    // DO_NOT_TRACK wins over local.
    FakeEnv both{{{"DO_NOT_TRACK", "1"}, {"MY_TOOL_TELEMETRY", "local"}}};
    EXPECT_FALSE(overt::decide_consent(tool_config(), Consent::granted, both.getenv()).collect);
}

}  // namespace
