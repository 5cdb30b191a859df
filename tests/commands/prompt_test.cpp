// SPDX-License-Identifier: MIT
// The first-run consent prompt and notice, through a pseudo-terminal (forkpty): yes, no, no
// terminal, CI set, an environment answer, a stored answer.
#include "test_home.hpp"

#include <overt/consent.hpp>
#include <overt/telemetry_commands.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <functional>
#include <string>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

namespace overt {
namespace {

using ::testing::HasSubstr;
using test::FreshHome;

struct PtyRun {
    std::string screen;  // what the child wrote to its terminal
    int exit_code = -1;  // the child's: the PromptOutcome as a number
};

// Runs `body` in a child whose stdin/stdout/stderr are a pseudo-terminal; types `typed` once the
// child asks (after "[y/N] " appears, or at once when it never asks).
PtyRun on_a_terminal(const std::function<int()>& body, const std::string& typed) {
    PtyRun result;
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid == 0) ::_exit(body());
    EXPECT_GT(pid, 0) << "forkpty failed";
    if (pid < 0) return result;
    bool typed_yet = false;
    for (int rounds = 0; rounds < 500; ++rounds) {
        pollfd fd{master, POLLIN, 0};
        if (::poll(&fd, 1, 20) > 0) {
            char buffer[512];
            const ssize_t n = ::read(master, buffer, sizeof buffer);
            if (n <= 0) {  // EIO: the child closed the terminal, so it has exited or is exiting
                int status = 0;
                ::waitpid(pid, &status, 0);
                result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 100;
                ::close(master);
                return result;
            }
            result.screen.append(buffer, static_cast<size_t>(n));
        }
        if (!typed_yet && result.screen.find("[y/N] ") != std::string::npos) {
            (void)!::write(master, typed.data(), typed.size());
            typed_yet = true;
        }
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 100;
            for (char buffer[512]; ::read(master, buffer, sizeof buffer) > 0;) {
            }
            ::close(master);
            return result;
        }
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ::close(master);
    ADD_FAILURE() << "the child did not finish; screen: " << result.screen;
    return result;
}

int ask() { return static_cast<int>(ask_consent_once(FreshHome::config()).outcome); }

TEST(ConsentPrompt, YesIsSavedAndNamesTheTool) {
    FreshHome home;
    const PtyRun run = on_a_terminal(ask, "y\n");
    EXPECT_EQ(run.exit_code, static_cast<int>(PromptOutcome::granted)) << run.screen;
    EXPECT_THAT(run.screen, HasSubstr("Help improve cmdtest by sending anonymous usage statistics."));
    EXPECT_THAT(run.screen, HasSubstr("`cmdtest telemetry enable` / `cmdtest telemetry disable`"));
    EXPECT_THAT(test::read_text(home.consent_file()), HasSubstr("enabled: true"));
    // Asked once: the stored answer decides from now on.
    const PtyRun again = on_a_terminal(ask, "n\n");
    EXPECT_EQ(again.exit_code, static_cast<int>(PromptOutcome::not_asked));
    EXPECT_THAT(again.screen, ::testing::Not(HasSubstr("[y/N]")));
}

TEST(ConsentPrompt, NoAndJustEnterAreNo) {
    for (const std::string typed : {"n\n", "\n", "whatever\n"}) {
        FreshHome home;
        const PtyRun run = on_a_terminal(ask, typed);
        EXPECT_EQ(run.exit_code, static_cast<int>(PromptOutcome::denied)) << typed << run.screen;
        EXPECT_THAT(test::read_text(home.consent_file()), HasSubstr("enabled: false"));
    }
}

TEST(ConsentPrompt, NotAskedWithoutATerminal) {
    FreshHome home;
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 2);
        ::_exit(ask());
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_EQ(WEXITSTATUS(status), static_cast<int>(PromptOutcome::not_asked));
    EXPECT_FALSE(std::filesystem::exists(home.consent_file()));
}

TEST(ConsentPrompt, NotAskedInCiOrWhenTheEnvironmentAnswers) {
    for (const auto& [name, value] : {std::pair{"CI", "true"}, std::pair{"DO_NOT_TRACK", "1"},
                                      std::pair{"CMDTEST_TELEMETRY", "0"}}) {
        FreshHome home;
        test::ScopedEnv set(name, value);
        const PtyRun run = on_a_terminal(ask, "y\n");
        EXPECT_EQ(run.exit_code, static_cast<int>(PromptOutcome::not_asked)) << name << run.screen;
        EXPECT_THAT(run.screen, ::testing::Not(HasSubstr("[y/N]"))) << name;
        EXPECT_FALSE(std::filesystem::exists(home.consent_file())) << name;
    }
}

TEST(ConsentNotice, ShownOnceOnATerminal) {
    FreshHome home;
    auto notice = [] { return show_telemetry_notice_once(FreshHome::config()) ? 1 : 0; };
    const PtyRun first = on_a_terminal(notice, "");
    EXPECT_EQ(first.exit_code, 1) << first.screen;
    EXPECT_THAT(first.screen, HasSubstr("It is off until you run `cmdtest telemetry enable`"));
    EXPECT_EQ(on_a_terminal(notice, "").exit_code, 0) << "shown once";
    EXPECT_FALSE(std::filesystem::exists(home.consent_file())) << "a notice decides nothing";
}

}  // namespace
}  // namespace overt
