// SPDX-License-Identifier: MIT
// ${VAR} expansion rules on their own.
#include "config/env_expand.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace {

using overt::config::expand_env;
using overt::config::ExpandError;

const std::map<std::string, std::string> kEnv = {{"HOST", "example.org"}, {"EMPTY", ""}};

std::optional<std::string> lookup(const std::string& name) {
    auto found = kEnv.find(name);
    if (found == kEnv.end()) return std::nullopt;
    return found->second;
}

std::string expand(const std::string& text) {
    std::string out;
    ExpandError error;
    EXPECT_TRUE(expand_env(text, lookup, out, error)) << text << ": " << error.problem;
    return out;
}

std::string problem(const std::string& text) {
    std::string out;
    ExpandError error;
    EXPECT_FALSE(expand_env(text, lookup, out, error)) << text << " -> " << out;
    return error.problem;
}

TEST(EnvExpand, VariablesDefaultsAndEscapes) {
    EXPECT_EQ(expand("https://${HOST}/x"), "https://example.org/x");
    EXPECT_EQ(expand("${MISSING:-fallback}"), "fallback");
    EXPECT_EQ(expand("${EMPTY:-fallback}"), "fallback");
    EXPECT_EQ(expand("${EMPTY}"), "");
    EXPECT_EQ(expand("${MISSING:-}"), "");
    EXPECT_EQ(expand("$$HOST costs $$5"), "$HOST costs $5");
    EXPECT_EQ(expand("$${HOST}"), "${HOST}");
    EXPECT_EQ(expand("price $5 and $"), "price $5 and $");
    EXPECT_EQ(expand("${HOST}${HOST}"), "example.orgexample.org");
    EXPECT_EQ(expand("plain"), "plain");
}

TEST(EnvExpand, Errors) {
    EXPECT_NE(problem("${MISSING}").find("MISSING is not set"), std::string::npos);
    EXPECT_NE(problem("${}").find("not a valid variable reference"), std::string::npos);
    EXPECT_NE(problem("${A-B}").find("not a valid variable reference"), std::string::npos);
    EXPECT_NE(problem("${HOST").find("unterminated"), std::string::npos);
}

}  // namespace
