// SPDX-License-Identifier: MIT
// A test fixture that pins the identity redaction looks for (user alice, home /home/alice),
// so results do not depend on who runs the tests; the real identity is restored after each.
#pragma once

#include "privacy/redact_identity.hpp"

#include <gtest/gtest.h>

namespace overt::test {

class FixedIdentityTest : public ::testing::Test {
   protected:
    void SetUp() override {
        privacy::Identity identity;
        identity.home_dirs = {"/home/alice"};
        identity.user_names = {"alice"};
        privacy::set_identity_for_testing(identity);
    }
    void TearDown() override { privacy::set_identity_for_testing(privacy::lookup_identity()); }
};

}  // namespace overt::test
