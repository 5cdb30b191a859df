// SPDX-License-Identifier: MIT
// Runs the built `overt` command (and overt-demo) as a subprocess in a sandbox: its own HOME,
// XDG dirs, TMPDIR and working directory, with stdout and stderr captured separately.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace overt::cli_test {

struct CliRun {
    int exit_code = -1;  // -1: did not exit normally
    std::string out;
    std::string err;
    std::string all() const { return "stdout:\n" + out + "stderr:\n" + err; }
};

class Sandbox {
   public:
    Sandbox();
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    // `overt <args>`; `env` adds to (or, with nullopt, removes from) the sandbox environment.
    CliRun overt(const std::vector<std::string>& args,
              const std::map<std::string, std::optional<std::string>>& env = {}) const;
    CliRun run(const std::string& program, const std::vector<std::string>& args,
            const std::map<std::string, std::optional<std::string>>& env = {}) const;

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path work_dir() const { return root_ / "work"; }
    // Where the collector keeps overt-demo's data in this sandbox.
    std::filesystem::path data_dir(const std::string& tool = "overt-demo") const;
    std::filesystem::path consent_file(const std::string& tool = "overt-demo") const;
    std::filesystem::path recorded_file() const { return data_dir() / "telemetry.ndjson"; }
    // Writes `text` to work_dir()/name and returns its path.
    std::filesystem::path write_file(const std::string& name, const std::string& text) const;

   private:
    std::filesystem::path root_;
};

std::string read_file(const std::filesystem::path& path);
std::vector<std::string> read_lines(const std::filesystem::path& path);
// Spill files (telemetry-spill-*.json) in `dir`, sorted.
std::vector<std::string> spill_files(const std::filesystem::path& dir);
// Every regular file under `dir` with its content.
std::map<std::string, std::string> snapshot(const std::filesystem::path& dir);

}  // namespace overt::cli_test
