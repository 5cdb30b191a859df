// SPDX-License-Identifier: MIT
// The first-run consent prompt and the notice-only variant (seed spec 8.3).
#include "commands/command_support.hpp"

#include "platform/fd.hpp"
#include "support/atomic_file.hpp"

#include <overt/consent.hpp>
#include <overt/data_dir.hpp>
#include <overt/telemetry_commands.hpp>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>


namespace overt {
namespace {

void write_to_terminal(int fd, const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        const long long n = platform::write_file(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

// One line from `fd`, read a byte at a time so nothing after it is taken from the tool.
bool read_answer_line(int fd, std::string& line) {
    line.clear();
    for (char c; line.size() < 256;) {
        const long long n = platform::read_file(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return !line.empty();
        if (c == '\n' || c == '\r') return true;
        line += c;
    }
    return true;
}

// "" when the prompt or notice may be shown; else why not.
std::string prompt_blocked_by(const Config& config, const ConsentPromptOptions& options, bool needs_input) {
    if (!config.enabled) return "the tool author turned telemetry off";
    if (config.force_enabled) return "telemetry is enforced by the tool author";
    if (const char* ci = std::getenv("CI"); ci && *ci) return "CI is set";
    if (const char* dnt = std::getenv("DO_NOT_TRACK"); dnt && *dnt) return "DO_NOT_TRACK answers it";
    const std::string variable = telemetry_env_var(config.tool_name);
    if (std::getenv(variable.c_str())) return variable + " answers it";
    if (needs_input && !platform::is_terminal(options.input_fd)) return "input is not a terminal";
    if (!platform::is_terminal(options.output_fd)) return "output is not a terminal";
    ConsentStore store(config.tool_name);
    if (store.load() != Consent::unset || !store.warning().empty()) return "a choice is stored in " + store.path();
    return {};
}

}  // namespace

ConsentPrompt ask_consent_once(const Config& config, const ConsentPromptOptions& options) {
    ConsentPrompt result;
    try {
        result.reason = prompt_blocked_by(config, options, true);
        if (!result.reason.empty()) return result;
        const std::string command = commands::command_name(config, options.command);
        write_to_terminal(options.output_fd, "\nAnonymous usage telemetry\n"
                                     "Help improve " + config.tool_name +
                                         " by sending anonymous usage statistics.\n"
                                         "No personally identifiable information is collected.\n"
                                         "You can change this at any time with `" + command + " enable` / `" +
                                         command + " disable`.\n"
                                         "Enable telemetry? [y/N] ");
        std::string answer;
        if (!read_answer_line(options.input_fd, answer)) {
            write_to_terminal(options.output_fd, "\n");
            result.reason = "no answer (end of input); nothing saved";
            return result;
        }
        for (auto& c : answer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const bool yes = answer == "y" || answer == "yes";
        ConsentStore store(config.tool_name);
        store.save(yes ? Consent::granted : Consent::denied);
        result.outcome = yes ? PromptOutcome::granted : PromptOutcome::denied;
        result.reason = std::string(yes ? "granted" : "denied") + ", saved in " + store.path();
        write_to_terminal(options.output_fd, yes ? "Telemetry enabled. Thank you!\n"
                                         : "Telemetry stays disabled. `" + command + " enable` turns it on.\n");
    } catch (const std::exception& e) {
        result.outcome = PromptOutcome::not_asked;
        result.reason = e.what();
    } catch (...) {
        result.outcome = PromptOutcome::not_asked;
        result.reason = "unknown error";
    }
    return result;
}

bool show_telemetry_notice_once(const Config& config, const ConsentPromptOptions& options) {
    try {
        if (!prompt_blocked_by(config, options, false).empty()) return false;
        const std::filesystem::path marker = std::filesystem::path(user_config_dir(config.tool_name)) / "notice-shown";
        std::error_code ec;
        if (std::filesystem::exists(marker, ec)) return false;
        const std::string command = commands::command_name(config, options.command);
        write_to_terminal(options.output_fd, "\n" + config.tool_name +
                                         " can send anonymous usage statistics to help improve it. It is off until "
                                         "you run `" + command + " enable` (`" + command +
                                         " enable --local-only` keeps them on this machine).\n"
                                         "No personally identifiable information is collected. This notice is "
                                         "shown once.\n\n");
        std::filesystem::path partial;  // created 0700, as the consent file's dirs are
        for (const auto& piece : marker.parent_path()) {
            partial /= piece;
            (void)platform::make_dir(partial.string(), 0700);
        }
        std::string error;
        (void)support::write_file_atomically(support::AtomicWrite::at(marker.string()), "shown\n", error);
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace overt
