// SPDX-License-Identifier: MIT
// The libcurl HttpService inside the transport module. libovert reaches it through the
// module's entry point; tests of the transport itself link the module and call it directly.
#pragma once

#include <memory>

#include "transport/http_service.hpp"

namespace overt::transport::curl {

// libcurl with OpenSSL: TLS verification on unless a request says insecure, proxy from the
// environment, keep-alive reuse across requests.
std::shared_ptr<HttpService> make_http_service(const HttpServiceOptions& options = {});

}  // namespace overt::transport::curl
