// SPDX-License-Identifier: MIT
// The transport module's entry point: what libovert looks up after dlopen.
#include "transport/curl/curl_http_service.hpp"
#include "transport/transport_module_abi.hpp"

#include <overt/backend.h>

#ifndef OVERT_VERSION
#define OVERT_VERSION "0.0.0"
#endif

using overt::transport::TransportModuleV1;

extern "C" OVERT_EXPORT const TransportModuleV1* overt_transport_module_v1() {
    static const TransportModuleV1 module{OVERT_VERSION, &overt::transport::curl::make_http_service};
    return &module;
}
