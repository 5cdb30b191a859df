// SPDX-License-Identifier: MIT
#include "cli_harness.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace overt::cli_test {
namespace fs = std::filesystem;

namespace {

bool inherited(const std::string& name) {
    // Nothing that changes overt's behaviour may leak in from the caller's environment.
    static const char* const kDropped[] = {"HOME=", "XDG_", "TMPDIR=", "DO_NOT_TRACK=", "OVERT_"};
    for (const char* prefix : kDropped)
        if (name.rfind(prefix, 0) == 0) return false;
    return name.find("_TELEMETRY=") == std::string::npos;
}

}  // namespace

Sandbox::Sandbox() {
    std::string pattern = (fs::temp_directory_path() / "overt-cli-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
    for (const char* dir : {"home", "config", "state", "tmp", "work"}) fs::create_directories(root_ / dir);
}

Sandbox::~Sandbox() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
}

fs::path Sandbox::data_dir(const std::string& tool) const { return root_ / "state" / "overt" / tool; }
fs::path Sandbox::consent_file(const std::string& tool) const {
    return root_ / "config" / "overt" / tool / "consent.yaml";
}

fs::path Sandbox::write_file(const std::string& name, const std::string& text) const {
    const fs::path path = work_dir() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

CliRun Sandbox::overt(const std::vector<std::string>& args,
                   const std::map<std::string, std::optional<std::string>>& env) const {
    return run(OVERT_CLI_PATH, args, env);
}

CliRun Sandbox::run(const std::string& program, const std::vector<std::string>& args,
                 const std::map<std::string, std::optional<std::string>>& env) const {
    std::map<std::string, std::string> vars;
    for (char** entry = environ; *entry; ++entry) {
        const std::string text = *entry;
        const size_t equals = text.find('=');
        if (equals != std::string::npos && inherited(text)) vars[text.substr(0, equals)] = text.substr(equals + 1);
    }
    vars["HOME"] = (root_ / "home").string();
    vars["XDG_CONFIG_HOME"] = (root_ / "config").string();
    vars["XDG_STATE_HOME"] = (root_ / "state").string();
    vars["TMPDIR"] = (root_ / "tmp").string();
    // The overt command needs a tool name; these tests act on the demo's unless they say otherwise.
    vars["OVERT_TOOL"] = "overt-demo";
    for (const auto& [name, value] : env) {
        if (value) vars[name] = *value;
        else vars.erase(name);
    }
    std::vector<std::string> env_text;
    for (const auto& [name, value] : vars) env_text.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& text : env_text) envp.push_back(text.data());
    envp.push_back(nullptr);

    std::vector<std::string> argv_text{program};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& text : argv_text) argv.push_back(text.data());
    argv.push_back(nullptr);

    static int counter = 0;
    const std::string tag = std::to_string(++counter);
    const fs::path out_path = root_ / ("stdout-" + tag);
    const fs::path err_path = root_ / ("stderr-" + tag);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const std::string cwd = work_dir().string();
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    CliRun result;
    if (spawned != 0) {
        result.err = "posix_spawn " + program + " failed: " + std::to_string(spawned);
        return result;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    return result;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> read_lines(const fs::path& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

std::vector<std::string> spill_files(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("telemetry-spill-", 0) == 0 && it->path().extension() == ".json") names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file()) files[fs::relative(it->path(), dir).string()] = read_file(it->path());
    return files;
}

}  // namespace overt::cli_test
