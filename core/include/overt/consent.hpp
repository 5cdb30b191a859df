// SPDX-License-Identifier: MIT
// The user's consent, stored per tool, and the decision whether to collect at all.
#pragma once

#include <overt/export.hpp>

#include <overt/config.hpp>

#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

namespace overt {

enum class Consent { unset, granted, denied };

OVERT_API std::string_view to_string(Consent consent);

// <user_config_dir(tool)>/consent.yaml:  telemetry: {enabled: true|false, local_only: bool}
// Written 0600 in a 0700 dir through a temp file, fsync and rename, so other processes see
// the old file or the new one, never a part. One ConsentStore is for one thread at a time.
class OVERT_API ConsentStore {
   public:
    explicit ConsentStore(std::string_view tool_name);
    // For tests and callers that know better: an explicit file path.
    static ConsentStore at_path(std::string file_path);

    // A missing file is unset; a corrupt one is unset too, with warning() saying why.
    Consent load();
    // Throws std::runtime_error naming the file when it cannot be written.
    void save(Consent consent);
    // Removes the file (back to unset); true if there was one.
    bool clear();

    bool local_only() const noexcept { return local_only_; }
    void set_local_only(bool local_only) noexcept { local_only_ = local_only; }
    const std::string& path() const noexcept { return path_; }
    // The last load()'s problem, "" if none.
    const std::string& warning() const noexcept { return warning_; }

   private:
    ConsentStore() = default;
    std::string path_;
    std::string warning_;
    bool local_only_ = false;
};

struct ConsentDecision {
    bool collect = false;
    std::string reason;       // user-facing, e.g. "DO_NOT_TRACK is set"
    bool local_only = false;  // collect into the local file backend only; nothing is sent
};

using GetEnv = std::function<const char*(const char*)>;

// config.enabled false -> off; force_enabled -> on; DO_NOT_TRACK (non-empty, not 0/false) ->
// off; <TOOL>_TELEMETRY: `local` -> on, local-only; else Go ParseBool (invalid -> off) -> that;
// stored consent granted -> on (local-only if the consent file says so), denied/unset -> off.
OVERT_API ConsentDecision decide_consent(const Config& config, Consent stored,
                               const GetEnv& getenv = [](const char* name) { return std::getenv(name); });
// The same with the consent file's local_only (getenv has no default here, so a lambda passed
// as the third argument above never converts to this bool).
OVERT_API ConsentDecision decide_consent(const Config& config, Consent stored, bool stored_local_only, const GetEnv& getenv);
// Loads `store` and decides (its local_only included).
OVERT_API ConsentDecision decide_consent(const Config& config, ConsentStore& store);

// "my-tool" -> "MY_TOOL_TELEMETRY".
OVERT_API std::string telemetry_env_var(std::string_view tool_name);

// Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False; false if invalid.
OVERT_API bool parse_go_bool(std::string_view text, bool& value);

}  // namespace overt
