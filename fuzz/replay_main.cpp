// SPDX-License-Identifier: MIT
// Runs a libFuzzer target's LLVMFuzzerTestOneInput over saved inputs, without libFuzzer, so any
// compiler's sanitizer build replays the seed corpus (and past crashes) as a regression test.
//
//   fuzz_spill_replay fuzz/corpus/spill [more files or dirs ...]
//
// Exits 0 after every input ran; a finding aborts through the sanitizer or __builtin_trap as
// it would under libFuzzer, naming the input on stderr first.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// The inputs named on the command line: files as they are, directories by their regular files
// in name order, so a replay runs the same inputs in the same order every time.
bool collect_inputs(const char* argument, std::vector<fs::path>& inputs) {
    const fs::path path(argument);
    std::error_code error;
    if (fs::is_regular_file(path, error)) {
        inputs.push_back(path);
        return true;
    }
    if (!fs::is_directory(path, error)) {
        std::fprintf(stderr, "replay: %s: not a file or directory\n", argument);
        return false;
    }
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(path, error))
        if (entry.is_regular_file(error)) found.push_back(entry.path());
    if (error) {
        std::fprintf(stderr, "replay: %s: %s\n", argument, error.message().c_str());
        return false;
    }
    std::sort(found.begin(), found.end());
    inputs.insert(inputs.end(), found.begin(), found.end());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i)
        if (!collect_inputs(argv[i], inputs)) return 2;
    if (inputs.empty()) {
        std::fprintf(stderr, "replay: no inputs (usage: %s FILE_OR_DIR...)\n", argv[0]);
        return 2;
    }
    for (const auto& input : inputs) {
        std::ifstream file(input, std::ios::binary);
        const std::vector<char> bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
        if (!file.eof() && file.fail()) {
            std::fprintf(stderr, "replay: %s: cannot read\n", input.c_str());
            return 2;
        }
        std::fprintf(stderr, "replay: %s (%zu bytes)\n", input.c_str(), bytes.size());
        // A copy of exactly the input's size, so ASan catches a read one past its end.
        std::vector<uint8_t> data(bytes.begin(), bytes.end());
        LLVMFuzzerTestOneInput(data.data(), data.size());
    }
    std::printf("replay: %zu inputs ran clean\n", inputs.size());
    return 0;
}
