// SPDX-License-Identifier: MIT
// CommandScope: one command, timed from construction, recorded once when it ends.
#include <overt/collector.hpp>

namespace overt {

CommandScope::CommandScope(Collector& collector, std::string name, Metadata extra) noexcept
    : CommandScope(&collector, std::move(name), std::move(extra)) {}

CommandScope::CommandScope(Collector* collector, std::string name, Metadata extra) noexcept
    : collector_(collector),
      name_(std::move(name)),
      extra_(std::move(extra)),
      start_(std::chrono::steady_clock::now()),
      uncaught_at_start_(std::uncaught_exceptions()) {}

CommandScope::~CommandScope() {
    // Left by an exception: the command failed, unless the tool said how it ended.
    if (!exit_code_set_ && std::uncaught_exceptions() > uncaught_at_start_) exit_code_ = 1;
    finish();
}

void CommandScope::set_exit_code(int32_t exit_code) noexcept {
    exit_code_ = exit_code;
    exit_code_set_ = true;
}

void CommandScope::set_error(std::string_view error) noexcept {
    try {
        error_ = error;
    } catch (...) {
        error_.clear();
    }
}

int32_t CommandScope::exit(int32_t exit_code) noexcept {
    set_exit_code(exit_code);
    finish();
    return exit_code;
}

void CommandScope::finish() noexcept {
    if (done_) return;
    done_ = true;
    if (!collector_) return;
    if (error_.empty())
        collector_->track_command(name_, elapsed(), exit_code_, extra_);
    else
        collector_->track_command_extended(name_, {}, elapsed(), exit_code_, error_, extra_);
}

std::chrono::steady_clock::duration CommandScope::elapsed() const noexcept {
    return std::chrono::steady_clock::now() - start_;
}

}  // namespace overt
