// SPDX-License-Identifier: MIT
// Datadog's tag rules, applied to the tags a config sets, so what the config says is what
// Datadog shows: one tag per entry, in the form Datadog itself would store it.
#pragma once

#include <string>
#include <string_view>

namespace overt::datadog {

struct TagCheck {
    std::string tag;    // the tag as sent: lower-case, disallowed characters as '_'
    std::string error;  // why the tag cannot be sent at all; empty when it can
};

// Lower-cases ASCII letters and turns every character other than letters, digits, '_', '-',
// ':', '.', '/' into '_' (as Datadog does; non-ASCII UTF-8 is kept, Datadog accepts Unicode
// letters). An error for what no rewrite can fix: a comma (it would split the entry into two
// tags), an empty tag, a first character that is not a letter, a trailing colon, more than
// 200 characters.
TagCheck check_tag(std::string_view tag);

}  // namespace overt::datadog
