// SPDX-License-Identifier: MIT
// The "overt" spdlog logger shared by the collector, spill store and delivery.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace overt::detail {

// Created on first use if nobody registered "overt" yet: stderr, level warn unless
// OVERT_LOG_LEVEL (trace, debug, info, warn, error, critical, off) says otherwise.
std::shared_ptr<spdlog::logger> logger();

}  // namespace overt::detail
