// Building a PluginHost with the host's HTTP service. Internal to libovert: the public
// constructor has no way to name transport::HttpService.
#pragma once

#include "transport/http_service.hpp"

#include <overt/plugins.hpp>

#include <memory>
#include <string>
#include <vector>

namespace overt::plugin {

// `http` may be null: plugins calling http_post then get "host offers no HTTP service".
PluginHost make_plugin_host(std::vector<std::string> search_dirs, std::shared_ptr<transport::HttpService> http);

}  // namespace overt::plugin
