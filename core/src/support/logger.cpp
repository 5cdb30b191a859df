// SPDX-License-Identifier: MIT
#include "support/logger.hpp"

#include "support/mask_secrets.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace overt::detail {
namespace {

// Masks secrets in every message before the real sink formats it: the last line of defence
// for whatever reaches stderr, -v output and sender.log.
class MaskingSink final : public spdlog::sinks::sink {
   public:
    explicit MaskingSink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}

    void log(const spdlog::details::log_msg& msg) override {
        const std::string masked = support::mask_secrets(std::string_view(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(masked.data(), masked.size());
        inner_->log(copy);
    }
    void flush() override { inner_->flush(); }
    void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
    void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
        inner_->set_formatter(std::move(formatter));
    }

   private:
    std::shared_ptr<spdlog::sinks::sink> inner_;
};

std::shared_ptr<spdlog::logger> spdlog_logger() {
    static std::shared_ptr<spdlog::logger> instance = [] {
        if (auto existing = spdlog::get("overt")) return existing;
        std::shared_ptr<spdlog::logger> created;
        try {
            auto sink = std::make_shared<MaskingSink>(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
            created = std::make_shared<spdlog::logger>("overt", std::move(sink));
            spdlog::initialize_logger(created);  // registers it, as stderr_color_mt() would
            created->set_level(spdlog::level::warn);
            if (const char* level = std::getenv("OVERT_LOG_LEVEL"); level && *level)
                created->set_level(spdlog::level::from_str(level));
        } catch (const spdlog::spdlog_ex&) {
            created = spdlog::get("overt");  // another part of libovert registered it first
        }
        return created;
    }();
    return instance;
}

spdlog::level::level_enum to_spdlog(LogLevel level) {
    switch (level) {
        case LogLevel::trace: return spdlog::level::trace;
        case LogLevel::debug: return spdlog::level::debug;
        case LogLevel::info: return spdlog::level::info;
        case LogLevel::warn: return spdlog::level::warn;
        case LogLevel::error: return spdlog::level::err;
        case LogLevel::critical: return spdlog::level::critical;
    }
    return spdlog::level::err;
}

}  // namespace

void Logger::write(LogLevel level, fmt::string_view format, fmt::format_args args) noexcept {
    try {
        const auto& target = spdlog_logger();
        const spdlog::level::level_enum spdlog_level = to_spdlog(level);
        if (!target || !target->should_log(spdlog_level)) return;
        const std::string text = fmt::vformat(format, args);
        target->log(spdlog_level, spdlog::string_view_t(text.data(), text.size()));
    } catch (...) {
        // Out of memory or a failing sink: the line is lost, the command goes on.
    }
}

void Logger::flush() noexcept {
    try {
        if (const auto& target = spdlog_logger()) target->flush();
    } catch (...) {
    }
}

Logger* logger() noexcept {
    static Logger front;
    return &front;
}

}  // namespace overt::detail
