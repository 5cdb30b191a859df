// SPDX-License-Identifier: MIT
// The WinHTTP HttpService inside the Windows transport module (overt-transport.dll).
#pragma once

#include <memory>

#include "transport/http_service.hpp"

namespace overt::transport::winhttp {

// WinHTTP: TLS through the system (Schannel, the Windows certificate store), the system's proxy
// settings, keep-alive reuse through one session; gzip bodies with zlib.
std::shared_ptr<HttpService> make_http_service(const HttpServiceOptions& options = {});

}  // namespace overt::transport::winhttp
