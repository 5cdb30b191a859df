// SPDX-License-Identifier: MIT
// The Windows transport module's entry point: what libovert looks up after loading it.
#include "transport/transport_module_abi.hpp"
#include "transport/winhttp/winhttp_http_service.hpp"

#include <overt/backend.h>

#ifndef OVERT_VERSION
#define OVERT_VERSION "0.0.0"
#endif

extern "C" OVERT_EXPORT const overt::transport::TransportModuleV1* overt_transport_module_v1() {
    static const overt::transport::TransportModuleV1 module{OVERT_VERSION, &overt::transport::winhttp::make_http_service};
    return &module;
}
