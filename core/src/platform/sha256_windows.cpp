// SPDX-License-Identifier: MIT
#include "platform/sha256.hpp"

#include <windows.h>
#include <bcrypt.h>

#include <stdexcept>

namespace overt::platform {

// BCRYPT_SHA256_ALG_HANDLE (Windows 10+) needs no provider to open and close.
struct Sha256::State {
    BCRYPT_HASH_HANDLE hash = nullptr;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
    BCRYPT_ALG_HANDLE algorithm = nullptr;
    if (BCryptOpenAlgorithmProvider(&algorithm, BCRYPT_SHA256_ALGORITHM, nullptr, 0) != 0)
        throw std::runtime_error("BCryptOpenAlgorithmProvider(SHA256) failed");
    // The hash object keeps the provider alive; BCRYPT_HASH_REUSABLE_FLAG is not needed.
    const NTSTATUS status = BCryptCreateHash(algorithm, &state_->hash, nullptr, 0, nullptr, 0, 0);
    BCryptCloseAlgorithmProvider(algorithm, 0);
    if (status != 0) throw std::runtime_error("BCryptCreateHash(SHA256) failed");
}

Sha256::~Sha256() {
    if (state_->hash) BCryptDestroyHash(state_->hash);
}

void Sha256::update(const void* data, size_t size) {
    auto* bytes = static_cast<PUCHAR>(const_cast<void*>(data));
    while (size > 0) {
        const ULONG chunk = size > 0x40000000 ? 0x40000000 : static_cast<ULONG>(size);
        BCryptHashData(state_->hash, bytes, chunk, 0);
        bytes += chunk;
        size -= chunk;
    }
}

Sha256::Digest Sha256::finish() {
    Digest digest{};
    BCryptFinishHash(state_->hash, digest.data(), static_cast<ULONG>(digest.size()), 0);
    return digest;
}

}  // namespace overt::platform
