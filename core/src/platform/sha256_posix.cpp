// SPDX-License-Identifier: MIT
#include "platform/sha256.hpp"

#include <nettle/sha2.h>

namespace overt::platform {

struct Sha256::State {
    sha256_ctx ctx;
};

Sha256::Sha256() : state_(std::make_unique<State>()) { sha256_init(&state_->ctx); }
Sha256::~Sha256() = default;

void Sha256::update(const void* data, size_t size) {
    sha256_update(&state_->ctx, size, static_cast<const uint8_t*>(data));
}

Sha256::Digest Sha256::finish() {
    Digest digest{};
    sha256_digest(&state_->ctx, digest.size(), digest.data());
    return digest;
}

}  // namespace overt::platform
