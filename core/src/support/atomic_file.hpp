// SPDX-License-Identifier: MIT
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
    // >= 0: target and temp are names in this open directory (never a path through a link
    // swapped in after the directory was checked).
    int dir_fd = -1;
    std::filesystem::path shown_dir;  // with dir_fd: what messages put before the names

    // A file at a path (not in an open directory), mode 0600.
    static AtomicWrite at(std::filesystem::path target, Durability durability = Durability::fsync) {
        AtomicWrite write;
        write.target = std::move(target);
        write.durability = durability;
        return write;
    }
};

// False with `error` naming the file and the reason; the temp file is removed on failure.
bool write_file_atomically(const AtomicWrite& write, std::string_view content, std::string& error);

// fsyncs a directory (after renames into it); errors are ignored, as there is nothing to undo.
void fsync_directory(const std::filesystem::path& dir);

}  // namespace overt::support
