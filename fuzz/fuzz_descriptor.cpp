// SPDX-License-Identifier: MIT
// libFuzzer: the plugin host's descriptor checks (plugin::check_descriptor) on a descriptor
// whose every field comes from the input. The descriptor lives in a heap block no larger than
// its struct_size says (down to the required fields), so reading past it trips ASan.
#include "plugin/plugin_library.hpp"
#include "support/trusted_file.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

namespace {

int fake_create(const overt_host_api*, const char*, size_t, void**, overt_result*) { return 0; }
int fake_send(void*, const overt_event*, size_t, int64_t, overt_result*) { return 0; }
int fake_flush(void*, int64_t, overt_result*) { return 0; }
void fake_destroy(void*) {}
size_t fake_describe(void*, char*, size_t) { return 0; }

constexpr size_t kRequiredSize = offsetof(overt_backend_descriptor, destroy) + sizeof(void*);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    overt_backend_descriptor d{};
    d.struct_size = in.ConsumeBool() ? static_cast<uint32_t>(sizeof d) : in.ConsumeIntegral<uint32_t>();
    d.abi_major = in.ConsumeBool() ? OVERT_ABI_MAJOR : in.ConsumeIntegral<uint32_t>();
    d.abi_minor = in.ConsumeIntegralInRange<uint32_t>(0, OVERT_ABI_MINOR + 2);
    d.capabilities = in.ConsumeIntegral<uint64_t>();
    std::string texts[5];
    const char* pointers[5];
    for (int i = 0; i < 5; ++i) {
        texts[i] = in.ConsumeRandomLengthString(256);
        pointers[i] = in.ConsumeBool() ? nullptr : texts[i].c_str();
    }
    d.name = pointers[0];
    d.version = pointers[1];
    d.vendor = pointers[2];
    d.description = pointers[3];
    // The schema gets the rest of the input, so the corpus can carry real schemas.
    std::string schema = in.ConsumeRemainingBytesAsString();
    d.config_schema = schema.empty() ? pointers[4] : schema.c_str();
    const uint8_t functions = static_cast<uint8_t>(d.capabilities >> 56);
    d.create = (functions & 1) ? nullptr : &fake_create;
    d.send = (functions & 2) ? nullptr : &fake_send;
    d.flush = (functions & 4) ? nullptr : &fake_flush;
    d.destroy = (functions & 8) ? nullptr : &fake_destroy;
    d.describe = (functions & 16) ? nullptr : &fake_describe;

    const size_t block = d.struct_size >= sizeof d ? sizeof d : kRequiredSize;
    auto storage = std::make_unique<unsigned char[]>(block);
    std::memcpy(storage.get(), &d, block);
    const auto* placed = reinterpret_cast<const overt_backend_descriptor*>(storage.get());
    try {
        auto plugin = overt::plugin::check_descriptor(placed, "/fuzz/libovert-fuzz.so");
        if (!plugin || plugin->info.name.empty()) __builtin_trap();
    } catch (const overt::support::Refusal& refusal) {
        if (std::strlen(refusal.what()) == 0) __builtin_trap();  // a refusal must say why
    }
    return 0;
}
