// Writing a small file so that a reader, or the next run after a crash, sees the old content
// or the new one, never a mix: a temp file beside it, fsync, rename, fsync of the directory.
// One writer serves the spill store, the consent file and the counters file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace overt::support {

enum class Durability {
    fsync,     // the file and its directory are fsync'd: survives a power cut
    deferred,  // no fsync (the rename still makes it whole against a crash of this process)
};

struct AtomicWrite {
    std::filesystem::path target;
    // "" = "." + target name + "." + pid + "." + sequence + ".tmp" beside it.
    std::filesystem::path temp;
    Durability durability = Durability::fsync;
    unsigned mode = 0600;
};

// False with `error` naming the file and the reason; the temp file is removed on failure.
bool write_file_atomically(const AtomicWrite& write, std::string_view content, std::string& error);

// fsyncs a directory (after renames into it); errors are ignored, as there is nothing to undo.
void fsync_directory(const std::filesystem::path& dir);

}  // namespace overt::support
