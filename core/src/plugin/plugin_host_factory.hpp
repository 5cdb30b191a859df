// SPDX-License-Identifier: MIT
// Building a PluginHost with the host's HTTP service. Internal to libovert: the public
// constructor has no way to name transport::HttpService.
#pragma once

#include "transport/http_service.hpp"

#include <overt/plugins.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace overt::plugin {

// How long a library load + create(), a describe() or a destroy() may take before the host
// stops waiting and abandons it (send and flush follow the delivery deadline instead).
inline constexpr std::chrono::milliseconds kDefaultPluginCallLimit{3000};

// `http` may be null: plugins calling http_post then get "host offers no HTTP service".
PluginHost make_plugin_host(std::vector<std::string> search_dirs, std::shared_ptr<transport::HttpService> http,
                            std::chrono::milliseconds call_limit = kDefaultPluginCallLimit);

}  // namespace overt::plugin
