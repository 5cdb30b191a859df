// SPDX-License-Identifier: MIT
// The "overt" logger shared by the collector, spill store and delivery: a thin front over the
// spdlog logger of that name. Only logger.cpp includes spdlog; a call site includes fmt's small
// core header and hands its arguments over type-erased, so it no longer compiles spdlog and fmt
// (about 9 s per unity unit at -O3, most of the build).
#pragma once

#include <fmt/core.h>

#include <string_view>

namespace overt::detail {

enum class LogLevel { trace, debug, info, warn, error, critical };

class Logger {
   public:
    template <typename... Args>
    void trace(fmt::format_string<Args...> format, Args&&... args) {
        write(LogLevel::trace, format, fmt::make_format_args(args...));
    }
    template <typename... Args>
    void debug(fmt::format_string<Args...> format, Args&&... args) {
        write(LogLevel::debug, format, fmt::make_format_args(args...));
    }
    template <typename... Args>
    void info(fmt::format_string<Args...> format, Args&&... args) {
        write(LogLevel::info, format, fmt::make_format_args(args...));
    }
    template <typename... Args>
    void warn(fmt::format_string<Args...> format, Args&&... args) {
        write(LogLevel::warn, format, fmt::make_format_args(args...));
    }
    template <typename... Args>
    void error(fmt::format_string<Args...> format, Args&&... args) {
        write(LogLevel::error, format, fmt::make_format_args(args...));
    }
    template <typename... Args>
    void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
        write(level, format, fmt::make_format_args(args...));
    }

    // Formats only when the level is enabled; never throws (a log line must not take a
    // command down).
    void write(LogLevel level, fmt::string_view format, fmt::format_args args) noexcept;
    void flush() noexcept;
};

// Created on first use if nobody registered an spdlog logger "overt" yet: stderr, level warn
// unless OVERT_LOG_LEVEL (trace, debug, info, warn, error, critical, off) says otherwise.
Logger* logger() noexcept;

}  // namespace overt::detail
