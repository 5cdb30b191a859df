// SPDX-License-Identifier: MIT
// Secrets in the config never reach what overt prints or logs: a refused endpoint with
// credentials from ${SECRET}, one refused for its scheme with ${SECRET} in its path (only the
// registered value can mask that) and an Authorization header from ${TOKEN}, through config validate, status, flush, -v flush and the
// background sender's log. The messages must still say what went wrong and where.
#include "cli_harness.hpp"

#include <overt/collector.hpp>
#include <overt/config.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace overt::cli_test {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;
using testing::Not;

constexpr const char* kSecret = "hunter2-very-secret";
constexpr const char* kToken = "tok-3f9a7c1e5b";

const std::map<std::string, std::optional<std::string>> kEnv = {{"SECRET", kSecret}, {"TOKEN", kToken}};

fs::path write_config(const Sandbox& sandbox) {
    return sandbox.write_file("overt.yaml", R"(tool:
  name: secret-tool
force_enabled: true
data_dir: ./data
exit_budget_ms: 100
flush_timeout_ms: 5000
backends:
  - plugin: http
    id: refused
    endpoint: http://u:${SECRET}@127.0.0.1:1/x
    headers:
      Authorization: Bearer ${TOKEN}
  - plugin: http
    id: wrong-scheme
    endpoint: ftp://127.0.0.1:1/${SECRET}/x
    headers:
      Authorization: Bearer ${TOKEN}
)");
}

void expect_no_secret(const std::string& text, const std::string& where) {
    EXPECT_THAT(text, Not(HasSubstr(kSecret))) << where << ":\n" << text;
    EXPECT_THAT(text, Not(HasSubstr(kToken))) << where << ":\n" << text;
}

void expect_no_secret(const CliRun& run, const std::string& where) {
    expect_no_secret(run.out, where + " stdout");
    expect_no_secret(run.err, where + " stderr");
}

TEST(CliSecrets, ConfigValidateAndConfigErrorsNameTheKeyButNotTheValue) {
    Sandbox sandbox;
    // Both backends are ones their plugin refuses at run time, and validate says so now.
    const CliRun refused = sandbox.overt({"config", "validate", write_config(sandbox).string()}, kEnv);
    EXPECT_EQ(refused.exit_code, 2) << refused.all();
    EXPECT_THAT(refused.err, HasSubstr("backends[0].endpoint: 'endpoint' must not contain credentials"));
    EXPECT_THAT(refused.err, HasSubstr("backends[1].endpoint: 'endpoint' must be an http:// or https:// URL"));
    expect_no_secret(refused, "config validate");

    const fs::path bad = sandbox.write_file("bad.yaml", R"(tool:
  name: secret-tool
exit_delivery: ${SECRET}
deletion:
  endpoint: ftp://u:${SECRET}@127.0.0.1/x
)");
    const CliRun validate = sandbox.overt({"config", "validate", bad.string()}, kEnv);
    EXPECT_EQ(validate.exit_code, 2) << validate.all();
    expect_no_secret(validate, "config validate of a bad file");
    EXPECT_THAT(validate.err, HasSubstr("exit_delivery")) << validate.all();
    EXPECT_THAT(validate.err, HasSubstr("deletion.endpoint")) << validate.all();

    // The loader quotes the value it refuses: the registered ${SECRET} value is masked in it.
    const CliRun status = sandbox.overt({"-c", bad.string(), "status"}, kEnv);
    EXPECT_EQ(status.exit_code, 2) << status.all();
    expect_no_secret(status, "status with a bad file");
    EXPECT_THAT(status.err, HasSubstr("'***' is not an exit delivery")) << status.all();
}

TEST(CliSecrets, StatusShowsTheRefusalMasked) {
    Sandbox sandbox;
    const fs::path config = write_config(sandbox);
    const CliRun run = sandbox.overt({"-c", config.string(), "status"}, kEnv);
    EXPECT_EQ(run.exit_code, 0) << run.all();
    expect_no_secret(run, "status");
    EXPECT_THAT(run.out, HasSubstr("unavailable")) << run.all();
    EXPECT_THAT(run.out, HasSubstr("http://***@127.0.0.1:1/x")) << run.all();
}

TEST(CliSecrets, FlushAndVerboseFlushReportFailuresMasked) {
    Sandbox sandbox;
    const fs::path config = write_config(sandbox);
    // Its backends fail, so the event stays on disk for the flushes below.
    expect_no_secret(sandbox.overt({"-c", config.string(), "track", "build"}, kEnv), "track");
    for (const bool verbose : {false, true}) {
        std::vector<std::string> args = {"-c", config.string(), "flush"};
        if (verbose) args.insert(args.begin(), "-v");
        const CliRun run = sandbox.overt(args, kEnv);
        const std::string what = verbose ? "-v flush" : "flush";
        expect_no_secret(run, what);
        EXPECT_THAT(run.all(), HasSubstr("127.0.0.1")) << what << "\n" << run.all();
        EXPECT_THAT(run.all(), HasSubstr("credentials")) << what << "\n" << run.all();
        EXPECT_THAT(run.all(), HasSubstr("ftp://127.0.0.1:1/***/x")) << what << "\n" << run.all();
    }
}

TEST(CliSecrets, TheBackgroundSendersLogIsMasked) {
    Sandbox sandbox;
    const fs::path config = write_config(sandbox);
    // The tool: this process, with the default background delivery; the sender inherits the
    // environment but learns what to mask from the tool's request.
    ::setenv("SECRET", kSecret, 1);
    ::setenv("TOKEN", kToken, 1);
    ::setenv("OVERT_LOG_LEVEL", "debug", 1);
    {
        auto collector = Collector::open(load_config(config.string()));
        ASSERT_TRUE(collector->enabled());
        collector->track_command("build", 10, 0);
        collector->close();
    }
    // overt flush waits for the sender to finish before it sends what is left.
    const CliRun flush = sandbox.overt({"-c", config.string(), "flush"}, kEnv);
    expect_no_secret(flush, "flush after the tool");
    const fs::path log = sandbox.work_dir() / "data" / "sender.log";
    ASSERT_TRUE(fs::exists(log)) << flush.all();
    const std::string text = read_file(log);
    expect_no_secret(text, "sender.log");
    EXPECT_THAT(text, HasSubstr("127.0.0.1")) << text;
    EXPECT_THAT(text, HasSubstr("ftp://127.0.0.1:1/***/x")) << text;  // masked by the value the tool sent
    const CliRun status = sandbox.overt({"-c", config.string(), "status"}, kEnv);
    expect_no_secret(status, "status after the tool");
}

TEST(CliSecrets, InspectShowsTheEventsExactlyAsTheyAreSent) {
    Sandbox sandbox;
    const fs::path config = sandbox.write_file("overt.yaml", R"(tool:
  name: secret-tool
force_enabled: true
data_dir: ./data
metadata:
  channel: ${CHANNEL}
backends:
  - plugin: http
    endpoint: ftp://127.0.0.1:1/x
)");
    const std::map<std::string, std::optional<std::string>> env = {{"CHANNEL", "nightly-builds-eu"}};
    sandbox.overt({"-c", config.string(), "track", "build"}, env);
    // Messages mask what a ${VAR} held; the events on their way to the backends are not messages.
    const CliRun inspect = sandbox.overt({"-c", config.string(), "inspect"}, env);
    EXPECT_EQ(inspect.exit_code, 0) << inspect.all();
    EXPECT_THAT(inspect.out, HasSubstr(R"("channel":"nightly-builds-eu")")) << inspect.all();
}

}  // namespace
}  // namespace overt::cli_test
