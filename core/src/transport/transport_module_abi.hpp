// SPDX-License-Identifier: MIT
// The one entry point an HTTP transport module exports, and what it returns. Shared by
// libovert (the loader) and the module of the platform (libcurl here; WinHTTP would be another
// module behind the same entry point). A module is only used when its version is libovert's
// own, so C++ types may cross the boundary (same compiler, same build).
#pragma once

#include <memory>

#include "transport/http_service.hpp"

namespace overt::transport {

struct TransportModuleV1 {
    const char* version;  // OVERT_VERSION the module was built with
    std::shared_ptr<HttpService> (*make_http_service)(const HttpServiceOptions& options);
};

inline constexpr const char* kTransportModuleEntryPoint = "overt_transport_module_v1";

}  // namespace overt::transport

extern "C" {
using overt_transport_module_v1_fn = const overt::transport::TransportModuleV1* (*)();
}
