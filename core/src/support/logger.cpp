#include "support/logger.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>

namespace overt::detail {

std::shared_ptr<spdlog::logger> logger() {
    static std::shared_ptr<spdlog::logger> instance = [] {
        if (auto existing = spdlog::get("overt")) return existing;
        std::shared_ptr<spdlog::logger> created;
        try {
            created = spdlog::stderr_color_mt("overt");
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

}  // namespace overt::detail
