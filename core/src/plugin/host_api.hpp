// SPDX-License-Identifier: MIT
// The overt_host_api table handed to one plugin instance. Internal to libovert.
#pragma once

#include "transport/http_service.hpp"

#include <overt/backend.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace overt::plugin {

// Owns the table and what host_ctx points to; must outlive the plugin instance it serves.
class HostApi {
   public:
    // `http` may be null: http_post then answers with a transport error.
    HostApi(std::string plugin_name, std::shared_ptr<transport::HttpService> http);
    HostApi(const HostApi&) = delete;
    HostApi& operator=(const HostApi&) = delete;

    const overt_host_api* table() const noexcept { return &table_; }
    const std::string& plugin_name() const noexcept { return plugin_name_; }
    transport::HttpService* http() const noexcept { return http_.get(); }

    // From now on, what the plugin logs at WARN or above is kept (masked) for warnings()
    // instead of going to the log: `overt config validate` shows it beside its verdict.
    void keep_warnings();
    void log(int level, const char* message);
    std::vector<std::string> warnings() const;

   private:
    std::string plugin_name_;
    std::shared_ptr<transport::HttpService> http_;
    mutable std::mutex warnings_mutex_;
    bool keep_warnings_ = false;
    std::vector<std::string> warnings_;
    overt_host_api table_{};
};

// steady_clock nanoseconds since its epoch: the clock of every deadline the host passes.
int64_t monotonic_now_ns() noexcept;

}  // namespace overt::plugin
