// SPDX-License-Identifier: MIT
// Redaction corpus: each secret-bearing text must lose every fragment of its secret, and each
// look-alike (paths, versions, hashes, UUIDs, dates, ordinary flags) must come out unchanged.
// Also: the pass is linear (a 4 MB value of token-shaped strings), separated flag values in
// argument lists, and event names and metadata keys go through redaction in the collector.
#include <overt/collector.hpp>
#include <overt/redact.hpp>

#include "fixed_identity.hpp"
#include "growth_ratio.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using overt::redact;

// Deterministic random-looking secrets, so a fragment of one cannot occur in its context.
std::string corpus_random_text(size_t size, unsigned seed, std::string_view alphabet) {
    std::string out;
    uint64_t state = 0x9E3779B97F4A7C15ull * (seed + 1);
    for (size_t i = 0; i < size; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        out.push_back(alphabet[(state >> 33) % alphabet.size()]);
    }
    return out;
}

constexpr std::string_view kCorpusAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kCorpusUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kCorpusHex = "0123456789abcdef";
constexpr std::string_view kCorpusBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string corpus_alnum(size_t size, unsigned seed) { return corpus_random_text(size, seed, kCorpusAlnum); }
std::string corpus_hex(size_t size, unsigned seed) { return corpus_random_text(size, seed, kCorpusHex); }

struct SecretCase {
    std::string input;
    std::string secret;    // no 6-character fragment of it may survive (or itself, if shorter)
    std::string expected;  // exact output, when given
};

class RedactCorpusTest : public overt::test::FixedIdentityTest {};

std::vector<SecretCase> secret_cases() {
    std::vector<SecretCase> cases;
    auto add = [&](std::string input, std::string secret, std::string expected = {}) {
        cases.push_back({std::move(input), std::move(secret), std::move(expected)});
    };
    unsigned seed = 1;
    auto next = [&](size_t size = 20) { return corpus_alnum(size, seed++); };

    // Credentials in URLs of any scheme.
    std::string v = next();
    add("postgres://admin:" + v + "@db.internal:5432/app", v, "postgres://<redacted>@db.internal:5432/app");
    v = next();
    add("ssh://deploy:" + v + "@host.example/repo", v, "ssh://<redacted>@host.example/repo");
    v = next();
    add("mysql://app:" + v + "@db/prod", v, "mysql://<redacted>@db/prod");
    v = next();
    add("redis://:" + v + "@cache:6379/0", v, "redis://<redacted>@cache:6379/0");
    v = next();
    add("amqp://guest:" + v + "@rabbit/vhost", v);
    v = next();
    add("https://x-access-token:" + v + "@github.com/org/repo.git", v);
    v = next(24);
    add("git clone https://" + v + "@github.com/org/repo", v, "git clone https://<redacted>@github.com/org/repo");
    v = next();
    add("mongodb+srv://app:" + v + "@cluster0.example.net/?retryWrites=true", v);
    v = next();
    add("postgres://u:p@ss" + v + "@host/db", "p@ss" + v, "postgres://<redacted>@host/db");
    v = next();
    add("ftp://bob:" + v + "@files.example.com", v);
    v = next();
    add("smtp://mailer:" + v + "@smtp.example.com:587", v);
    v = next();
    add("url=\"http://u:" + v + "@h/x\"", v, "url=\"http://<redacted>@h/x\"");
    v = next();
    add("error: cannot connect to ldap://cn=admin:" + v + "@ldap.example.org", v);

    // Environment-style assignments of secret-looking names.
    for (std::string name : {"GITHUB_TOKEN", "DB_PASSWORD", "STRIPE_API_KEY", "CLIENT_SECRET", "MY_APP_SECRET_VALUE",
                             "NPM_AUTH_TOKEN", "SLACK_SIGNING_SECRET", "PGPASSWORD", "HEROKU_API_KEY", "DB_PASS",
                             "DB_PWD", "SENTRY_AUTH_TOKEN", "TF_VAR_db_password", "x-api-key", "Token", "apiKey",
                             "clientSecret", "accessToken", "GITLAB_PAT", "VAULT_TOKEN", "ENCRYPTION_KEY",
                             "MYSQL_ROOT_PASSWORD", "REDIS_PASSWD", "GPG_PASSPHRASE", "PRIVATE_KEY"}) {
        v = next();
        add(name + "=" + v, v, name + "=***");
    }
    v = corpus_random_text(40, seed++, kCorpusBase64);
    add("AWS_SECRET_ACCESS_KEY=" + v, v, "AWS_SECRET_ACCESS_KEY=***");
    v = corpus_random_text(40, seed++, kCorpusBase64);
    add("aws_secret_access_key = " + v, v, "aws_secret_access_key = ***");
    v = next();
    add("export STRIPE_SECRET_KEY=" + v + " && run", v, "export STRIPE_SECRET_KEY=*** && run");
    v = next();
    add("api_key = " + v, v, "api_key = ***");
    v = next();
    add("?password=" + v + "&user=bob", v, "?password=***&user=bob");
    v = next();
    add("GET /cb?access_token=" + v, v, "GET /cb?access_token=***");
    v = next();
    add("/oauth?refresh_token=" + v + "&x=1", v, "/oauth?refresh_token=***&x=1");
    v = next();
    add("DATABASE_PASSWORD='" + v + "'", v, "DATABASE_PASSWORD='***'");
    v = next();
    add("SECRET=\"" + v + " with spaces\"", v, "SECRET=\"***\"");

    // Separated and joined flag values inside one text.
    for (std::string flag : {"--password", "--token", "--api-key", "--client-secret", "--auth-token", "--db-pass",
                             "--access-token", "--secret"}) {
        v = next();
        add("tool " + flag + " " + v, v, "tool " + flag + " ***");
    }
    v = next();
    add("--password=" + v, v, "--password=***");
    v = next();
    add("mysql --user app --password " + v + " --host db", v, "mysql --user app --password *** --host db");

    // JSON- and YAML-shaped secrets.
    v = next();
    add("{\"password\": \"" + v + "\"}", v, "{\"password\": \"***\"}");
    v = next();
    add("{\"api_key\":\"" + v + "\",\"user\":\"x\"}", v, "{\"api_key\":\"***\",\"user\":\"x\"}");
    v = next();
    add("password: " + v, v, "password: ***");
    v = next();
    add("  client_secret: " + v, v, "  client_secret: ***");
    v = next();
    add("{'token': '" + v + "'}", v, "{'token': '***'}");
    v = next();
    add("{\"accessToken\": \"" + v + "\"}", v, "{\"accessToken\": \"***\"}");
    v = next();
    add("{\\\"password\\\":\\\"" + v + "\\\"}", v, "{\\\"password\\\":\\\"***\\\"}");
    v = next();
    add("secret_key: \"" + v + "\"", v, "secret_key: \"***\"");
    v = next();
    add("db:\n  password: " + v + "\n  host: x", v, "db:\n  password: ***\n  host: x");
    v = next();
    add("{\"private_key\": \"" + v + "\", \"n\": 1}", v, "{\"private_key\": \"***\", \"n\": 1}");
    v = next();
    add("{\"pin\": \"1\", \"passphrase\": \"" + v + "\"}", v);

    // Header lines and Bearer credentials.
    v = next();
    add("X-Api-Key: " + v, v, "X-Api-Key: ***");
    v = next(32);
    add("Authorization: Bearer " + v, v, "Authorization: Bearer ***");
    v = corpus_random_text(24, seed++, kCorpusBase64) + "==";
    add("authorization: Basic " + v, v, "authorization: Basic ***");
    v = next();
    add("Authorization: token " + v, v, "Authorization: token ***");
    v = next();
    add("Proxy-Authorization: Basic " + v, v, "Proxy-Authorization: Basic ***");
    v = next();
    add("Cookie: session=" + v + "; theme=dark", v, "Cookie: ***");
    v = next();
    add("Set-Cookie: id=" + v + "; Path=/; HttpOnly", v, "Set-Cookie: ***");
    v = next();
    add("X-Auth-Token: " + v, v, "X-Auth-Token: ***");
    v = next();
    add("X-Goog-Api-Key: " + v, v, "X-Goog-Api-Key: ***");
    v = next();
    add("sent Bearer " + v + " to the API", v, "sent Bearer *** to the API");
    v = next();
    add("curl -H 'Authorization: Bearer " + v + "' https://api.example.com", v,
        "curl -H 'Authorization: Bearer ***' https://api.example.com");
    v = next();
    add("X-Vault-Token: hvs." + v, v, "X-Vault-Token: ***");
    v = next();
    add("Authorization: " + v, v, "Authorization: ***");

    // Provider tokens: the prefix stays.
    for (std::string prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}) {
        v = next(36);
        add("push failed: " + prefix + v + " (401)", v, "push failed: " + prefix + "*** (401)");
    }
    v = corpus_alnum(22, seed) + "_" + corpus_alnum(59, seed + 1);
    seed += 2;
    add("github_pat_" + v, v, "github_pat_***");
    v = next(20);
    add("glpat-" + v, v, "glpat-***");
    v = next(24);
    add("stripe sk_live_" + v, v, "stripe sk_live_***");
    v = next(24);
    add("rk_live_" + v, v, "rk_live_***");
    v = corpus_random_text(16, seed++, kCorpusUpperDigits);
    add("key id AKIA" + v, v, "key id AKIA***");
    v = corpus_random_text(16, seed++, kCorpusUpperDigits);
    add("session ASIA" + v, v, "session ASIA***");
    for (std::string prefix : {"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"}) {
        v = "1234567890-" + next(24);
        add(prefix + v, v, prefix + "***");
    }
    v = next(35);
    add("AIza" + v, v, "AIza***");
    v = "proj-" + next(48);
    add("OPENAI sk-" + v, v, "OPENAI sk-***");
    v = next(36);
    add("npm_" + v, v, "npm_***");
    v = next(34);
    add("hf_" + v, v, "hf_***");
    v = corpus_hex(32, seed++);
    add("shpat_" + v, v, "shpat_***");
    v = next(22) + "." + next(43);
    add("SG." + v, v, "SG.***");
    v = "AgEIcHlwaS5vcmc" + next(60);
    add("pypi-" + v, v, "pypi-***");

    // JSON Web Tokens.
    const std::string jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIy"
        "fQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    add(jwt, jwt, "<redacted-token>");
    add("session " + jwt + " expired", jwt, "session <redacted-token> expired");
    add("id_token=" + jwt, jwt, "id_token=***");
    add("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0", "<redacted-token>");

    // PEM private keys, whole or cut off.
    for (std::string kind : {"RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY",
                             "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"}) {
        v = corpus_random_text(64, seed, kCorpusBase64) + "\n" + corpus_random_text(64, seed + 1, kCorpusBase64);
        seed += 2;
        add("key:\n-----BEGIN " + kind + "-----\n" + v + "\n-----END " + kind + "-----\nnext", v,
            "key:\n<redacted-private-key>\nnext");
    }
    v = corpus_random_text(64, seed++, kCorpusBase64);
    add("-----BEGIN PRIVATE KEY-----\n" + v, v, "<redacted-private-key>");
    v = corpus_random_text(48, seed++, kCorpusBase64);
    add("{\"key\": \"-----BEGIN PRIVATE KEY-----\\n" + v + "\\n-----END PRIVATE KEY-----\\n\"}", v,
        "{\"key\": \"<redacted-private-key>\\n\"}");

    // 32+ hex digits labelled as a key.
    v = corpus_hex(32, seed++);
    add("using api key " + v, v, "using api key ***");
    v = corpus_hex(40, seed++);
    add("token " + v + " rejected", v, "token *** rejected");
    v = corpus_hex(64, seed++);
    add("key: " + v, v, "key: ***");
    v = corpus_hex(32, seed++);
    add("X-Api-Key: " + v, v, "X-Api-Key: ***");
    v = corpus_hex(40, seed++);
    add("api_key=" + v, v, "api_key=***");

    // Long token-shaped strings.
    v = next(48);
    add("id " + v + " end", v, "id <redacted-token> end");
    v = next(30) + "-" + next(30);
    add("nonce " + v, v, "nonce <redacted-token>");

    // Windows profiles and ~name paths.
    add("C:\\Users\\bob\\AppData\\Local\\tool", "bob", "C:\\Users\\<user>\\AppData\\Local\\tool");
    add("c:/users/carol/projects/x", "carol", "c:/users/<user>/projects/x");
    add("C:\\\\Users\\\\dave\\\\x.json", "dave", "C:\\\\Users\\\\<user>\\\\x.json");
    add("D:\\Users\\John Smith\\Documents\\a.txt", "John Smith", "D:\\Users\\<user>\\Documents\\a.txt");
    add("open 'C:\\Users\\erin\\file.txt'", "erin", "open 'C:\\Users\\<user>\\file.txt'");
    add("~bob/projects/x", "bob", "~<user>/projects/x");
    add("cd ~carol/src", "carol", "cd ~<user>/src");

    // E-mail addresses, internationalised too.
    for (std::string email : {"bob@example.com", "j\xC3\xB6rg.m\xC3\xBCller@beispiel.de",
                              "\xE7\x94\xA8\xE6\x88\xB7@\xE4\xBE\x8B\xE5\xAD\x90.\xE5\xB9\xBF\xE5\x91\x8A",
                              "\xCE\xB8\xCF\x83\xCE\xB5\xCF\x81@\xCF\x80\xCE\xB1\xCF\x81.\xCE\xB5\xCE\xBB",
                              "info@\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80.\xD1\x80\xD1\x84",
                              "first.last+tag@sub.domain.co.uk", "ops@xn--80ak6aa92e.xn--p1ai"})
        add("mail " + email + " now", email, "mail <email> now");
    add("deploy bob@example.com", "bob@example.com", "deploy <email>");
    add("<carol@example.org>", "carol@example.org", "<<email>>");
    add("mailto:dave@example.org", "dave@example.org", "mailto:<email>");

    // The user's name in any case, and home paths.
    add("Alice ran it", "Alice", "<user> ran it");
    add("ALICE", "ALICE", "<user>");
    add("owner=alice", "alice", "owner=<user>");
    add("by aLiCe.", "aLiCe", "by <user>.");
    add("/home/alice/.ssh/id_rsa", "alice", "~/.ssh/id_rsa");
    add("/home/bob/.config", "bob", "/home/<user>/.config");
    add("/Users/carol/Library", "carol", "/Users/<user>/Library");

    // Payment card numbers (test numbers of each network).
    for (std::string card : {"4111 1111 1111 1111", "5555555555554444", "3782 822463 10005", "6011-1111-1111-1117",
                             "4012888888881881", "2223003122003222", "3530111333300000", "4222222222222",
                             "30569309025904", "6200000000000005"})
        add("card " + card + " declined", card, "card <card> declined");
    add("pay 4111 1111 1111 1111 12 25", "4111 1111 1111 1111", "pay <card> 12 25");

    // Addresses.
    add("connect 192.168.1.20:8080", "192.168.1.20", "connect <ip>:8080");
    add("[2001:db8::1]:443", "2001:db8::1", "[<ip>]:443");
    return cases;
}

// Every window of `size` characters of `secret` (the whole secret if it is shorter).
std::vector<std::string> secret_fragments(const std::string& secret, size_t size = 6) {
    if (secret.size() <= size) return {secret};
    std::vector<std::string> out;
    for (size_t i = 0; i + size <= secret.size(); ++i) out.push_back(secret.substr(i, size));
    return out;
}

std::vector<std::string> look_alikes() {
    return {
        "/usr/local/bin/tool",
        "./build/release/out.o",
        "src/privacy/redact.cpp:42",
        "v1.2.3",
        "1.2.3",
        "version 2.10.0-rc.1",
        "tool 3.4.5+build.7",
        "commit 3f2a9c4e1b7d8a6f5e4c3b2a1908f7e6d5c4b3a2",
        "short sha 3f2a9c4",
        "git checkout 0123abcd",
        "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "object 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "id 123e4567-e89b-12d3-a456-426614174000",
        "request 550e8400-e29b-41d4-a716-446655440000 done",
        "2026-12-01",
        "2026-12-01T23:20:00Z",
        "2026-12-01 23:20:00.123+01:00",
        "--verbose",
        "--output=out.txt",
        "-p 8080",
        "--name myapp",
        "--key-file ./k.pem",
        "--token-file /run/secrets/t",
        "PASSWORD_FILE=/run/secrets/db",
        "TOKEN_TYPE=bearer",
        "max_tokens=512",
        "tokens=5",
        "monkey=banana",
        "keyboard=us",
        "primary_key=id",
        "sort_key=name",
        "auth: ok",
        "key: value",
        "pass: 12",
        "passed: 12, failed: 0",
        "author=bob",
        "PWD=/tmp/x",
        "OLDPWD=/tmp",
        "the bearer of bad news",
        "Bearer tokens are supported",
        "timestamp 1764633600123",
        "nanos 1764633600123456789",
        "order 4111111111111112",
        "phone +1 555 123 4567",
        "port 8080, exit code 137",
        "std::vector<int>",
        "a::b::c",
        "Token::parse failed",
        "http://example.com/path?q=1&page=2",
        "https://github.com/org/repo/pull/42",
        "ssh://host.example:22/srv/repo",
        "@decorator",
        "user@localhost",
        "pkg@1.2.3",
        "~/projects/x",
        "~ approx",
        "file~1.txt",
        "C:\\Program Files\\Tool\\tool.exe",
        "C:\\Users\\Public\\Documents",
        "/home/",
        "eyJ is where a JWT starts",
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----",
        "sk-short",
        "ghp_abc",
        "AKIA123",
        "12:30:45",
        "MAC 00:1a:2b:3c:4d:5e",
        "v1.2.3.4",
        "1.2.3.4.5",
        "x=1 y=2",
        "error: missing template",
        "Authorization: Bearer",
        "release 2026.12.01",
        "build 20261201.1",
        "color #ff00ff",
        "docker image alpine:3.19",
        "ratio 3:2",
        "deploy production",
        "malice and alices",
        "generate --name myapp --verbose ./out/file.txt (exit 1): missing template",
        "a fingerprint of 32 hex: 0123456789abcdef0123456789abcdef",
    };
}

TEST_F(RedactCorpusTest, SecretsLoseEveryFragment) {
    const auto cases = secret_cases();
    for (const auto& c : cases) {
        const std::string out = redact(c.input);
        for (const auto& fragment : secret_fragments(c.secret))
            EXPECT_EQ(out.find(fragment), std::string::npos) << "input: " << c.input << "\noutput: " << out;
        if (!c.expected.empty()) {
            EXPECT_EQ(out, c.expected) << "input: " << c.input;
        }
        EXPECT_EQ(redact(out), out) << "not idempotent: " << c.input;
    }
}

TEST_F(RedactCorpusTest, LookAlikesSurviveUnchanged) {
    for (const auto& text : look_alikes()) EXPECT_EQ(redact(text), text);
}

TEST_F(RedactCorpusTest, CorpusHasAtLeast150Cases) {
    EXPECT_GE(secret_cases().size() + look_alikes().size(), 150u);
}

TEST_F(RedactCorpusTest, SeparatedSecretFlagsInArgumentLists) {
    const std::vector<std::string> args = {"login", "--password", "hunter2hunter2", "--token", "s3cr3tvalue",
                                           "--name", "myapp", "-p", "8080", "--api-key", "--verbose"};
    const std::vector<std::string> expected = {"login", "--password", "***", "--token", "***",
                                               "--name", "myapp", "-p", "8080", "--api-key", "--verbose"};
    EXPECT_EQ(overt::redact_args(args), expected);
    EXPECT_EQ(overt::redact_args(std::vector<std::string>{"--password=x1y2z3"}),
              std::vector<std::string>{"--password=***"});
}

TEST_F(RedactCorpusTest, RuleTableNamesEveryClassAndMarker) {
    const auto rules = overt::redaction_rules();
    EXPECT_GE(rules.size(), 15u);
    for (const auto& rule : rules) {
        EXPECT_FALSE(rule.name.empty());
        EXPECT_FALSE(rule.marker.empty()) << rule.name;
    }
}

// Not the figure (bench/redact_bench.cpp measures it) and not a time limit (a loaded machine
// breaks those), a guard against going quadratic again, as the in-place replace once did (5.5 s
// for 4 MB): four times the text may take about four times as long, not sixteen.
TEST_F(RedactCorpusTest, FourTimesTheTokensTakesAboutFourTimesAsLong) {
    const std::string unit = "ghp_" + corpus_alnum(36, 7) + " token=" + corpus_alnum(12, 8) + " bob@example.com 10.0.0.1 " +
                             corpus_alnum(45, 9) + " https://u:p@h/x ";
    const auto tokens = [&](size_t bytes) {
        std::string text;
        while (text.size() < bytes) text += unit;
        return text;
    };
    bool all_masked = true;
    const double ratio = overt::test::growth_ratio(tokens, 512u << 10, 4, [&](const std::string& text) {
        const std::string out = redact(text);
        all_masked = all_masked && out.find(corpus_alnum(36, 7)) == std::string::npos &&
                     out.find("ghp_***") != std::string::npos;
    });
    EXPECT_LT(ratio, 10.0) << "4x the text took " << ratio << "x the time";
    EXPECT_TRUE(all_masked);
}

// Mixtures of every rule's trigger, glued together with stray bytes (NUL, invalid UTF-8): the
// scanners stay inside the text and its markers (what the sanitizer builds check), on the
// input and on its redacted output alike.
TEST_F(RedactCorpusTest, GluedTriggersAndStrayBytesAreSafe) {
    const std::vector<std::string> pieces = {
        "ghp_", "--password ", "token=", "Authorization: ", "Bearer ", "@", ".", "com", "://", "u:p",
        "-----BEGIN PRIVATE KEY-----", "-----END ", "eyJ", "C:\\Users\\", "~", "/home/", "4111", " ", "\"", "'",
        ":", "=", "\\", "<", ">", "<user>", "***", "1", "2001:db8::", "a", "_", "-", "\n", "\xC3\xA9", "\xff",
        std::string(1, '\0'), "0123456789abcdef0123456789abcdef", "key ", "AKIA"};
    uint64_t state = 42;
    auto next = [&state] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
    };
    for (int iteration = 0; iteration < 20000; ++iteration) {
        std::string text;
        for (uint64_t part = next() % 12; part > 0; --part) {
            if (next() % 6 == 0) text.push_back(static_cast<char>(next() % 256));
            else text += pieces[next() % pieces.size()];
        }
        const std::string once = redact(text);
        EXPECT_FALSE(redact(once).empty() && !once.empty()) << "input: " << text;
    }
}

TEST_F(RedactCorpusTest, CollectorRedactsEventNamesAndMetadataKeys) {
    overt::Config config;
    config.tool_name = "corpus-tool";
    config.extended_collection = true;
    config.metadata = {{"team bob@example.com", "x"}};
    overt::CollectorOptions options;
    options.consent_granted = true;
    overt::Collector collector(config, {}, options);
    collector.track("feature.used", "deploy bob@example.com", {{"owner carol@example.org", "token=abcdef123"}});
    const std::vector<std::string> args = {"--password", "hunter2hunter2"};
    collector.track_command_extended("login alice", args, 5, 0, "");
    const auto events = collector.pending_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].name, "deploy <email>");
    ASSERT_TRUE(events[0].metadata);
    const overt::Metadata expected = {{"owner <email>", "token=***"}, {"team <email>", "x"}};
    EXPECT_EQ(*events[0].metadata, expected);
    EXPECT_EQ(events[1].name, "login <user>");
    EXPECT_EQ(events[1].args(), (std::vector<std::string>{"--password", "***"}));
}

// The collector remembers a name's redaction per thread: a repeated name is still redacted
// every time, and a new identity (another user) is honoured at once, not served from memory.
TEST_F(RedactCorpusTest, RememberedNameRedactionFollowsTheIdentity) {
    overt::Config config;
    config.tool_name = "corpus-tool";
    overt::CollectorOptions options;
    options.consent_granted = true;
    overt::Collector collector(config, {}, options);
    for (int i = 0; i < 3; ++i) collector.track("feature.used", "login alice");
    overt::privacy::Identity bob;
    bob.home_dirs = {"/home/bob"};
    bob.user_names = {"bob"};
    overt::privacy::set_identity_for_testing(bob);
    collector.track("feature.used", "login alice");
    collector.track("feature.used", "login bob");
    const auto events = collector.pending_events();
    ASSERT_EQ(events.size(), 5u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(events[static_cast<size_t>(i)].name, "login <user>");
    EXPECT_EQ(events[3].name, "login alice");
    EXPECT_EQ(events[4].name, "login <user>");
}

}  // namespace
