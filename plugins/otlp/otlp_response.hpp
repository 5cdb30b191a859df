// SPDX-License-Identifier: MIT
// What an OTLP collector says back: partial_success in a 200 answer, google.rpc.Status in an
// error answer, in protobuf or JSON; and text from a server made safe to print.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace overt::otlp {

// `text` with control bytes, invalid UTF-8 and C1 controls written as \xNN, at most
// `max_chars` bytes long ("..." ending a cut text), so a server's answer can never drive the
// terminal or flood the log.
std::string printable(std::string_view text, size_t max_chars = 200);

struct PartialSuccess {
    int64_t rejected_log_records = 0;
    std::string error_message;  // raw, print through printable()
};

// The partial_success of an ExportLogsServiceResponse, if the body carries a non-empty one.
// JSON when the body looks like JSON, else protobuf; an undecodable body yields nothing.
std::optional<PartialSuccess> decode_partial_success(std::string_view body);

// "code N: message" for a google.rpc.Status body (protobuf or JSON); otherwise the body
// itself, printable and bounded.
std::string describe_error_body(std::string_view body);

}  // namespace overt::otlp
