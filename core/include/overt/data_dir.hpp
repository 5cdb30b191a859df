// SPDX-License-Identifier: MIT
// Where overt keeps its per-tool state (spill files, local logs) and the user's consent.
#pragma once

#include <overt/export.hpp>

#include <overt/config.hpp>

#include <string>
#include <string_view>

namespace overt {

// config.data_dir if set and usable; else ${XDG_STATE_HOME:-$HOME/.local/state}/overt/<tool>;
// else ${TMPDIR:-/tmp}/overt-<uid>/<tool>. Directories are created 0700; one owned by another
// user or writable by group/others is refused. Each candidate is probed by creating and
// deleting a file. Returns "" only if no candidate is usable.
OVERT_API std::string resolve_data_dir(const Config& config);

// The first of those candidates that already exists and is private, creating and writing
// nothing: what a command looks at for a tool that has no consent (nothing may be written
// before it). "" if there is none.
OVERT_API std::string existing_data_dir(const Config& config);

// ${XDG_CONFIG_HOME:-$HOME/.config}/overt/<tool> (not created here).
OVERT_API std::string user_config_dir(std::string_view tool_name);

// The tool name made safe as one path component: [A-Za-z0-9._-] kept, anything else '_',
// never empty, never "." or ".."; a name that had to change gets "-" and 8 hex digits of its
// sha256, so "my tool" and "my_tool" never share consent or data.
OVERT_API std::string sanitize_tool_name(std::string_view tool_name);

}  // namespace overt
