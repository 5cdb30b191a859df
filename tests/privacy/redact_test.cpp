// SPDX-License-Identifier: MIT
// Redaction: the seed's exact outputs (spec §7 item 10, Appendix A), then each of overt's own
// classes with text that must be redacted and look-alikes that must survive.
#include <overt/redact.hpp>

#include "fixed_identity.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using overt::redact;

class RedactTest : public overt::test::FixedIdentityTest {};

TEST_F(RedactTest, SeedConformanceItem10ExactOutputs) {
    EXPECT_EQ(redact("--api-token=sk-abc123def456ghi789jkl012mno345pqr678"), "--api-token=***");
    EXPECT_EQ(redact("failed POST https://user:hunter2@api.example.co/v1: 401"),
              "failed POST https://<redacted>@api.example.co/v1: 401");
    EXPECT_EQ(redact("--name"), "--name");
    EXPECT_EQ(redact("myapp"), "myapp");
}

TEST_F(RedactTest, SeedAppendixSamples) {
    EXPECT_EQ(redact("https://user:s3cret@api.example.co/v1"), "https://<redacted>@api.example.co/v1");
    EXPECT_EQ(redact("token=glpat-abcdef1234567890abcdef"), "token=***");
    EXPECT_EQ(redact("Authorization: Bearer abc.def"), "Authorization: Bearer ***");
    EXPECT_EQ(redact("ghp_" + std::string(36, 'a')), "ghp_***");
    EXPECT_EQ(redact(""), "");
}

TEST_F(RedactTest, UrlCredentials) {
    EXPECT_EQ(redact("http://bob:pw@host/x and https://c:d@e.org"), "http://<redacted>@host/x and https://<redacted>@e.org");
    // No user info: left alone. Any scheme carries credentials the same way.
    EXPECT_EQ(redact("https://host.example/path?q=1"), "https://host.example/path?q=1");
    EXPECT_EQ(redact("ftp://bob:pw@host/x"), "ftp://<redacted>@host/x");
}

TEST_F(RedactTest, KeyValueSecrets) {
    EXPECT_EQ(redact("?api_key=abc&x=1"), "?api_key=***&x=1");
    EXPECT_EQ(redact("PASSWORD=hunter2 next"), "PASSWORD=*** next");
    EXPECT_EQ(redact("signature=xyz"), "signature=***");
    EXPECT_EQ(redact("--secret=s --key=k"), "--secret=*** --key=***");
    // Names that only contain a secret word are not secrets (the seed's \b...= whole word).
    EXPECT_EQ(redact("monkey=banana"), "monkey=banana");
    EXPECT_EQ(redact("tokens=5"), "tokens=5");
    EXPECT_EQ(redact("name=value"), "name=value");
}

TEST_F(RedactTest, AuthorizationHeaders) {
    EXPECT_EQ(redact("authorization:basic dXNlcjpwYXNz"), "authorization:basic ***");
    EXPECT_EQ(redact("Authorization: Digest abc/+=.~-"), "Authorization: Digest ***");
    // An unknown scheme is a credential all the same: the whole header value goes.
    EXPECT_EQ(redact("Authorization: Custom abc"), "Authorization: ***");
    EXPECT_EQ(redact("Authorization: Bearer"), "Authorization: Bearer");
}

TEST_F(RedactTest, ProviderTokens) {
    EXPECT_EQ(redact("key sk-proj_ABCDEFGHIJKLMNOP here"), "key sk-*** here");
    EXPECT_EQ(redact("gho_" + std::string(30, 'Z')), "gho_***");
    EXPECT_EQ(redact("github_pat_" + std::string(30, '1')), "github_pat_***");
    EXPECT_EQ(redact("xoxb-1234567890-abc"), "xoxb-***");
    EXPECT_EQ(redact("AKIAIOSFODNN7EXAMPLE"), "AKIA***");
    EXPECT_EQ(redact("AIza" + std::string(35, 'q')), "AIza***");
    // Too short to be a token.
    EXPECT_EQ(redact("sk-short"), "sk-short");
    EXPECT_EQ(redact("ghp_abc"), "ghp_abc");
    EXPECT_EQ(redact("xoxb-123"), "xoxb-123");
}

TEST_F(RedactTest, LongTokens) {
    const std::string token41(41, 'x');
    EXPECT_EQ(redact("id " + token41 + " end"), "id <redacted-token> end");
    EXPECT_EQ(redact("a-" + std::string(45, '7')), "<redacted-token>");
    // A 40-character hex digest (a git commit) survives.
    const std::string sha1 = "0123456789abcdef0123456789abcdef01234567";
    ASSERT_EQ(sha1.size(), 40u);
    EXPECT_EQ(redact("commit " + sha1), "commit " + sha1);
}

TEST_F(RedactTest, HomeDirectory) {
    EXPECT_EQ(redact("open /home/alice/project/x.txt"), "open ~/project/x.txt");
    EXPECT_EQ(redact("/home/alice"), "~");
    // Another account's home is not "~", but its name is a user name all the same.
    EXPECT_EQ(redact("/home/alicebob/x"), "/home/<user>/x");
    EXPECT_EQ(redact("cp /home/bob/a.txt /Users/carol/b.txt"), "cp /home/<user>/a.txt /Users/<user>/b.txt");
    EXPECT_EQ(redact("file:///home/bob"), "file:///home/<user>");
    // Not a home directory: left alone.
    EXPECT_EQ(redact("/srv/home/data /usr/share/homes"), "/srv/home/data /usr/share/homes");
    EXPECT_EQ(redact("/home/"), "/home/");
}

TEST_F(RedactTest, UserName) {
    EXPECT_EQ(redact("owner alice, group staff"), "owner <user>, group staff");
    EXPECT_EQ(redact("malice and alices"), "malice and alices");
}

TEST_F(RedactTest, EmailAddresses) {
    EXPECT_EQ(redact("contact bob.smith+tag@mail.example.org now"), "contact <email> now");
    EXPECT_EQ(redact("git@github.com:org/repo"), "<email>:org/repo");
    // No dotted domain with a letter TLD: not an address.
    EXPECT_EQ(redact("@decorator"), "@decorator");
    EXPECT_EQ(redact("pkg@1.2"), "pkg@1.2");
    EXPECT_EQ(redact("user@localhost"), "user@localhost");
}

TEST_F(RedactTest, Ipv4Addresses) {
    EXPECT_EQ(redact("connect 192.168.1.20:8080 failed"), "connect <ip>:8080 failed");
    EXPECT_EQ(redact("10.0.0.1"), "<ip>");
    // Documented choice: a bare four-part dotted number is taken for an address (privacy wins);
    // a prefixed version string, five parts, or out-of-range octets survive.
    EXPECT_EQ(redact("version 1.2.3.4"), "version <ip>");
    EXPECT_EQ(redact("v1.2.3.4"), "v1.2.3.4");
    EXPECT_EQ(redact("1.2.3.4.5"), "1.2.3.4.5");
    EXPECT_EQ(redact("300.1.1.1"), "300.1.1.1");
    EXPECT_EQ(redact("version 1.2.3"), "version 1.2.3");
}

TEST_F(RedactTest, Ipv6Addresses) {
    EXPECT_EQ(redact("peer [2001:db8::1]:443"), "peer [<ip>]:443");
    EXPECT_EQ(redact("fe80::1ff:fe23:4567:890a"), "<ip>");
    EXPECT_EQ(redact("addr ::1"), "addr <ip>");
    // C++ scopes, MAC addresses and times are not addresses.
    EXPECT_EQ(redact("std::string"), "std::string");
    EXPECT_EQ(redact("at 12:30:45"), "at 12:30:45");
}

TEST_F(RedactTest, IdempotentOnEveryClass) {
    const std::string inputs[] = {
        "--api-token=sk-abc123def456ghi789jkl012mno345pqr678",
        "failed POST https://user:hunter2@api.example.co/v1: 401",
        "Authorization: Bearer abc.def",
        "/home/alice/x alice bob@example.com 10.1.2.3 2001:db8::1",
        std::string(50, 'k'),
        "ghp_" + std::string(36, 'a'),
    };
    for (const auto& input : inputs) {
        const std::string once = redact(input);
        EXPECT_EQ(redact(once), once) << input;
    }
}

TEST_F(RedactTest, PlainTextUnchanged) {
    const std::string text = "generate --name myapp --verbose ./out/file.txt (exit 1): missing template";
    EXPECT_EQ(redact(text), text);
}

TEST(SensitiveHeader, KnownNamesAndPatterns) {
    for (const char* name : {"Authorization", "proxy-authorization", "Cookie", "X-API-Key", "x-auth-token",
                             "X-Session-Token", "My-Secret", "Api-Key", "X-Bearer", "Credential",
                             "xauthorizationx"})
        EXPECT_TRUE(overt::looks_sensitive_header(name)) << name;
    for (const char* name : {"Content-Type", "Accept", "User-Agent", "X-Request-Id", "Keyboard", "Tokenizer"})
        EXPECT_FALSE(overt::looks_sensitive_header(name)) << name;
}

}  // namespace
