// SPDX-License-Identifier: MIT
// libFuzzer: overt::parse_config on arbitrary YAML. Anything but a ConfigError escaping is a
// finding (bad config must give an error naming file, line and key, never a crash).
#include <overt/config.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        overt::Config config = overt::parse_config(text, "fuzz.yaml");
        (void)config;
    } catch (const overt::ConfigError& e) {
        if (e.file() != "fuzz.yaml") __builtin_trap();  // the error must name the file it read
    }
    return 0;
}
