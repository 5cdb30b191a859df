// SPDX-License-Identifier: MIT
// The masker of messages: what it hides (credentials, secret headers and query parameters,
// tokens, registered ${VAR} values) and what it must leave readable (hosts, paths, versions,
// ordinary error text).
#include "support/mask_secrets.hpp"

#include "growth_ratio.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace overt::support {
namespace {

struct Case {
    const char* name;
    std::string text;
    std::string masked;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class MaskSecrets : public testing::TestWithParam<Case> {};

TEST_P(MaskSecrets, MasksWhatIsSecretAndKeepsTheRest) {
    EXPECT_EQ(mask_secrets(GetParam().text), GetParam().masked) << GetParam().text;
}

TEST_P(MaskSecrets, MaskingTwiceChangesNothingMore) {
    const std::string once = mask_secrets(GetParam().text);
    EXPECT_EQ(mask_secrets(once), once);
}

const std::string kGithubToken = "ghp_" + std::string("aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5");
const std::string kJwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl";

INSTANTIATE_TEST_SUITE_P(
    Messages, MaskSecrets,
    testing::Values(
        // URL user-info, any scheme.
        Case{"user and password", "http://u:pw@host/x", "http://***@host/x"},
        Case{"https with port and query", "https://user:p%40ss@example.com:8443/v1?x=1",
             "https://***@example.com:8443/v1?x=1"},
        Case{"password only", "redis://:secretpw@cache:6379", "redis://***@cache:6379"},
        Case{"unescaped @ in the password", "http://u:p@ss@host/x", "http://***@host/x"},
        Case{"token as the user name", "https://" + kGithubToken + "@github.com/o/r", "https://***@github.com/o/r"},
        Case{"inside a refusal",
             "'endpoint' must not contain credentials (user@): http://u:hunter2@127.0.0.1:1/x",
             "'endpoint' must not contain credentials (user@): http://***@127.0.0.1:1/x"},
        Case{"inside an error sentence", "POST http://u:pw@127.0.0.1:1/x failed: connection refused",
             "POST http://***@127.0.0.1:1/x failed: connection refused"},
        // Query parameters.
        Case{"api_key", "https://h/x?api_key=abc123&b=2", "https://h/x?api_key=***&b=2"},
        Case{"token", "https://h/x?token=abcdef", "https://h/x?token=***"},
        Case{"sig", "https://h/x?expires=1&sig=Zm9vYmFy", "https://h/x?expires=1&sig=***"},
        Case{"access_token", "GET /cb?access_token=xyz987&state=1", "GET /cb?access_token=***&state=1"},
        Case{"bare key", "https://h/x?key=abc987", "https://h/x?key=***"},
        Case{"password assignment", "password=hunter2 rejected", "password=*** rejected"},
        // Headers.
        Case{"Authorization Bearer", "Authorization: Bearer abc.def-123", "Authorization: Bearer ***"},
        Case{"Authorization Basic", "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ***"},
        Case{"X-Api-Key", "X-Api-Key: 0123456789abcdef", "X-Api-Key: ***"},
        Case{"DD-API-KEY", "DD-API-KEY: abcdef123", "DD-API-KEY: ***"},
        Case{"Cookie to the end of the line", "Cookie: session=abc; theme=dark\nnext", "Cookie: ***\nnext"},
        Case{"JSON header map", R"({"Authorization": "Bearer t0ken-value"})", R"({"Authorization": "***"})"},
        // Tokens.
        Case{"bare Bearer", "sent Bearer abcdefgh1234 to it", "sent Bearer *** to it"},
        Case{"provider token", "token " + kGithubToken + " expired", "token ghp_*** expired"},
        Case{"JWT", "got " + kJwt + " back", "got *** back"},
        Case{"separated flag", "--token abc123 given", "--token *** given"},
        Case{"PEM private key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "***"},
        // Look-alikes that must survive.
        Case{"plain host and port", "cannot connect to 127.0.0.1:4318", "cannot connect to 127.0.0.1:4318"},
        Case{"plain URL", "POST https://api.example.com/v1/logs", "POST https://api.example.com/v1/logs"},
        Case{"@ in the path", "http://example.com/pkg@v2/x", "http://example.com/pkg@v2/x"},
        Case{"ssh user without password", "ssh://git@github.com/repo", "ssh://git@github.com/repo"},
        Case{"e-mail address", "mail sent to ops@example.com", "mail sent to ops@example.com"},
        Case{"version strings", "overt 0.1.0 (libovert 0.1.0, schema v1.2.3)", "overt 0.1.0 (libovert 0.1.0, schema v1.2.3)"},
        Case{"paths", "/home/alice/.local/state/overt/mytool/sender.log", "/home/alice/.local/state/overt/mytool/sender.log"},
        Case{"HTTP error text", "backend http rejected 3 event(s): HTTP 400: bad request",
             "backend http rejected 3 event(s): HTTP 400: bad request"},
        Case{"ordinary query string", "https://h/search?page=2&sort=name", "https://h/search?page=2&sort=name"},
        Case{"unlabelled hash", "sha256 3f2a9c0e1b7d4f6a8c2e0b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d0f2a",
             "sha256 3f2a9c0e1b7d4f6a8c2e0b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d0f2a"},
        Case{"harmless header", "Content-Type: application/json", "Content-Type: application/json"},
        Case{"header named, no value", "header 'Authorization' has a line break in its value",
             "header 'Authorization' has a line break in its value"},
        Case{"bearer as a word", "the bearer of bad news", "the bearer of bad news"},
        Case{"usage placeholder", "--meta \"novalue\": expected KEY=VALUE", "--meta \"novalue\": expected KEY=VALUE"},
        Case{"empty", "", ""}),
    [](const testing::TestParamInfo<Case>& info) {
        std::string name;
        for (char c : std::string(info.param.name)) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        return name;
    });

TEST(MaskSecretsValues, ARegisteredValueIsMaskedWhereverItAppears) {
    add_masked_value("hunter2-very-secret");
    EXPECT_EQ(mask_secrets("rejected hunter2-very-secret at /x/hunter2-very-secret/y"), "rejected *** at /x/***/y");
    EXPECT_EQ(mask_secrets("http://u:hunter2-very-secret@h/x"), "http://***@h/x");
    EXPECT_EQ(mask_secrets("no secret here"), "no secret here");
}

TEST(MaskSecretsValues, OverlappingOccurrencesBecomeOneMarker) {
    add_masked_value("xyzxyz");
    EXPECT_EQ(mask_secrets("a xyzxyzxyz b"), "a *** b");
}

TEST(MaskSecretsValues, ShortValuesAreNotRegistered) {
    add_masked_value("5000");
    add_masked_value("true");
    EXPECT_EQ(mask_secrets("timeout 5000 ms: true"), "timeout 5000 ms: true");
}

TEST(MaskSecretsValues, RegisteredValuesAreListedOnceForTheSender) {
    add_masked_value("listed-value-42");
    add_masked_value("listed-value-42");
    const auto values = masked_values();
    EXPECT_EQ(std::count(values.begin(), values.end(), "listed-value-42"), 1);
}

// Not a time limit (a loaded machine breaks those): four times the input may take about four
// times as long, not sixteen.
TEST(MaskSecretsValues, LinearOnHostileInput) {
    add_masked_value("aaaaaaaaab");
    const auto hostile = [](size_t units) {
        std::string text;
        for (size_t i = 0; i < units; ++i) text += "a://:@a=aaaaaaaa ";
        return text;
    };
    bool masked_something = true;
    const double ratio = test::growth_ratio(hostile, 10000, 4, [&](const std::string& text) {
        masked_something = masked_something && !mask_secrets(text).empty();
    });
    EXPECT_LT(ratio, 10.0) << "4x the input took " << ratio << "x the time";
    EXPECT_TRUE(masked_something);
}

}  // namespace
}  // namespace overt::support
