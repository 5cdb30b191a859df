// SPDX-License-Identifier: MIT
// Finding, checking and loading the HTTP transport module (libovert-transport.so.N), which
// holds libcurl and zlib so that libovert itself does not link them. Internal to libovert.
#pragma once

#include <string>

#include "transport/transport_module_abi.hpp"

namespace overt::transport {

struct LoadedTransportModule {
    const TransportModuleV1* module = nullptr;  // null when it could not be used
    std::string path;
    std::string error;  // why not, with the path
};

// The module file: $OVERT_TRANSPORT_MODULE if set, else <dir of libovert>/overt/<file>, else
// the install dir. The first that exists is the one; "" (with why) when none does.
std::string find_transport_module(std::string& why);

// Trust-checks the file like a plugin (owner root or us, not group/world-writable), dlopens
// it RTLD_NOW | RTLD_LOCAL (never unloaded) and checks its entry point and version.
LoadedTransportModule load_transport_module(const std::string& path);

// find + load, done once per process on the first call; later calls return the same result.
const LoadedTransportModule& transport_module();

}  // namespace overt::transport
