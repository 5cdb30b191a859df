// SPDX-License-Identifier: MIT
// The event JSON's bytes: RFC 3339 timestamps as Go's time.RFC3339Nano prints them in UTC, and
// Go's encoding/json string escaping (HTML-safe, invalid UTF-8 as U+FFFD).
#include <overt/event.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace {

using overt::format_timestamp;

TEST(FormatTimestamp, WholeSecondsHaveNoFraction) {
    EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_timestamp(951'782'400'000'000'000), "2000-02-29T00:00:00Z");
    EXPECT_EQ(format_timestamp(1'700'000'000'000'000'000), "2023-11-14T22:13:20Z");
}

TEST(FormatTimestamp, FractionKeepsNanosecondsWithoutTrailingZeros) {
    EXPECT_EQ(format_timestamp(1'700'000'000'123'456'789), "2023-11-14T22:13:20.123456789Z");
    EXPECT_EQ(format_timestamp(1'700'000'000'100'000'000), "2023-11-14T22:13:20.1Z");
    EXPECT_EQ(format_timestamp(1'700'000'000'000'000'001), "2023-11-14T22:13:20.000000001Z");
}

TEST(FormatTimestamp, BeforeTheEpoch) {
    EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999999999Z");
    EXPECT_EQ(format_timestamp(-1'000'000'000), "1969-12-31T23:59:59Z");
}

TEST(FormatTimestamp, WholeInt64Range) {
    EXPECT_EQ(format_timestamp(std::numeric_limits<int64_t>::min()), "1677-09-21T00:12:43.145224192Z");
    EXPECT_EQ(format_timestamp(std::numeric_limits<int64_t>::max()), "2262-04-11T23:47:16.854775807Z");
}

TEST(FormatTimestamp, RoundTripsThroughParse) {
    // (INT64_MIN itself is refused by parse_timestamp's range check, which is conservative.)
    for (int64_t t : {int64_t{0}, int64_t{-1}, int64_t{1'700'000'000'123'456'789}, int64_t{4'102'444'800'000'000'000},
                      std::numeric_limits<int64_t>::min() + 1'000'000'000, std::numeric_limits<int64_t>::max()}) {
        int64_t parsed = 0;
        ASSERT_TRUE(overt::parse_timestamp(format_timestamp(t), parsed)) << format_timestamp(t);
        EXPECT_EQ(parsed, t);
    }
}

// The "name" member of an event whose name is `name`.
std::string name_json(std::string name) {
    overt::Event event;
    event.type = "command.invocation";
    event.name = std::move(name);
    const std::string json = overt::to_json(event);
    const std::string key = "\"name\":";
    const size_t start = json.find(key);
    EXPECT_NE(start, std::string::npos) << json;
    const size_t end = json.find(",\"", start + key.size());
    return json.substr(start + key.size(), end - start - key.size());
}

TEST(EventJsonEscaping, PlainTextIsCopied) {
    EXPECT_EQ(name_json("build --release ./src"), "\"build --release ./src\"");
    EXPECT_EQ(name_json(""), "\"\"");
}

TEST(EventJsonEscaping, QuotesBackslashesAndWhitespace) {
    EXPECT_EQ(name_json("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(name_json("l1\nl2\r\tend"), R"("l1\nl2\r\tend")");
}

TEST(EventJsonEscaping, HtmlCharactersAndControlsAsUnicodeEscapes) {
    EXPECT_EQ(name_json("<a>&b"), R"("\u003ca\u003e\u0026b")");
    EXPECT_EQ(name_json(std::string("x\x01y\x1f", 4)), R"("x\u0001y\u001f")");
    EXPECT_EQ(name_json(std::string(1, '\0')), R"("\u0000")");
}

TEST(EventJsonEscaping, Utf8IsKeptAndLineSeparatorsEscaped) {
    EXPECT_EQ(name_json("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
    EXPECT_EQ(name_json("a\xe2\x80\xa8z\xe2\x80\xa9"), R"("a\u2028z\u2029")");
}

TEST(EventJsonEscaping, InvalidUtf8BecomesReplacementCharacters) {
    EXPECT_EQ(name_json("ok\xff"), R"("ok\ufffd")");
    EXPECT_EQ(name_json("\xc0\x80ok"), R"("\ufffd\ufffdok")");        // overlong NUL
    EXPECT_EQ(name_json("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
    EXPECT_EQ(name_json("cut\xe2\x80"), R"("cut\ufffd\ufffd")");      // truncated sequence
}

}  // namespace
