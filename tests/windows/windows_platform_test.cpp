// SPDX-License-Identifier: MIT
// The Windows platform layer under wine: CNG, the descriptor-level file operations (atomic
// rename over an open file, LockFileEx), the per-user dirs, the machine id inputs, the trust
// checks and the redaction of profile paths.
#include "platform/fd.hpp"
#include "platform/sha256.hpp"
#include "platform/system.hpp"
#include "platform/user.hpp"
#include "platform/windows_text.hpp"
#include "support/atomic_file.hpp"
#include "support/trusted_file.hpp"

#include <overt/config.hpp>
#include <overt/data_dir.hpp>
#include <overt/machine_id.hpp>
#include <overt/redact.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "windows_test_support.hpp"

namespace {

using overt::windows_test::ScratchDir;

TEST(WindowsSha256, CngGivesTheKnownDigest) {
    EXPECT_EQ(overt::platform::hex_prefix(overt::platform::sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(WindowsFiles, AtomicWriteReplacesAFileOthersHaveOpen) {
    ScratchDir dir("atomic");
    const std::string target = (dir.path() / "counters.json").string();
    std::string error;
    ASSERT_TRUE(overt::support::write_file_atomically(overt::support::AtomicWrite::at(target), "old\n", error)) << error;
    const int reader = overt::platform::open_file(target, O_RDONLY | O_CLOEXEC);
    ASSERT_GE(reader, 0);
    // MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH) over a file open with FILE_SHARE_DELETE, or
    // where NTFS refuses that, the POSIX-semantics rename (Windows 10 1607+).
    const bool replaced = overt::support::write_file_atomically(overt::support::AtomicWrite::at(target), "new\n", error);
    overt::platform::close_file(reader);
    std::ifstream in(target);
    std::string line;
    std::getline(in, line);
    if (!replaced && overt::windows_test::under_wine()) {
        // Wine has neither rename over an open file: what is checked here is that the failure
        // is clean (an error naming the file, the old content whole), as on a FAT volume.
        std::cout << "wine cannot replace a file another handle holds open (no FILE_RENAME_FLAG_POSIX_SEMANTICS): "
                  << error << "\n";
        EXPECT_NE(error.find("counters.json"), std::string::npos) << error;
        EXPECT_EQ(line, "old");
        return;
    }
    ASSERT_TRUE(replaced) << error;
    EXPECT_EQ(line, "new");
}

TEST(WindowsFiles, AClaimedFileCanBeRemovedWhileOpen) {
    ScratchDir dir("remove");
    const int dir_fd = overt::platform::open_file(dir.path().string(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(dir_fd, 0);
    const int fd = overt::platform::open_at(dir_fd, "spill.json", O_RDWR | O_CREAT | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(overt::platform::write_file(fd, "x", 1), 1);
    EXPECT_EQ(overt::platform::unlink_at(dir_fd, "spill.json"), 0);
    overt::platform::close_file(fd);
    std::vector<std::string> names;
    ASSERT_TRUE(overt::platform::list_dir(dir_fd, names));
    EXPECT_TRUE(names.empty());
    overt::platform::close_file(dir_fd);
}

TEST(WindowsFiles, LockFileExLocksExcludeEachOtherLikeFlock) {
    ScratchDir dir("locks");
    const std::string path = (dir.path() / ".sender.lock").string();
    const int first = overt::platform::open_file(path, O_RDWR | O_CREAT | O_CLOEXEC);
    const int second = overt::platform::open_file(path, O_RDWR | O_CLOEXEC);
    ASSERT_GE(first, 0);
    ASSERT_GE(second, 0);
    using overt::platform::FileLock;
    ASSERT_TRUE(overt::platform::lock_file(first, FileLock::shared));
    EXPECT_TRUE(overt::platform::lock_file(second, FileLock::shared, false));
    EXPECT_TRUE(overt::platform::lock_file(second, FileLock::unlock));
    EXPECT_FALSE(overt::platform::lock_file(second, FileLock::exclusive, false));
    EXPECT_EQ(errno, EWOULDBLOCK);
    EXPECT_TRUE(overt::platform::lock_file(first, FileLock::unlock));
    EXPECT_TRUE(overt::platform::lock_file(second, FileLock::exclusive, false));
    // The lock byte lies far past the data: reading and writing are not blocked by it.
    EXPECT_EQ(overt::platform::write_file(first, "data", 4), 4);
    overt::platform::close_file(first);
    overt::platform::close_file(second);
}

TEST(WindowsDirs, DataUnderLocalAppDataAndConsentUnderAppData) {
    ScratchDir dir("profile");
    overt::windows_test::ScopedEnvironment local(L"LOCALAPPDATA", (dir.path() / "Local").wstring());
    overt::windows_test::ScopedEnvironment roaming(L"APPDATA", (dir.path() / "Roaming").wstring());
    std::filesystem::create_directories(dir.path() / "Local");
    std::filesystem::create_directories(dir.path() / "Roaming");
    overt::Config config;
    config.tool_name = "wintool";
    const std::string data_dir = overt::resolve_data_dir(config);
    EXPECT_EQ(std::filesystem::path(data_dir), dir.path() / "Local" / "overt" / "wintool");
    EXPECT_TRUE(std::filesystem::is_directory(data_dir));
    EXPECT_EQ(std::filesystem::path(overt::user_config_dir("wintool")), dir.path() / "Roaming" / "overt" / "wintool");
}

TEST(WindowsMachineId, TheInputsComeFromTheRegistryAndTheAdapters) {
    const auto parts = overt::machine_id_parts();
    ASSERT_GE(parts.size(), 3u);
    EXPECT_EQ(parts[0].size(), 36u) << "MachineGuid: " << parts[0];
    EXPECT_FALSE(parts[2].empty()) << "the computer name";
    const std::string id = overt::hashed_machine_id("wintool", overt::MachineIdSecret::use_if_present);
    EXPECT_EQ(id.size(), 16u);
    EXPECT_NE(id, overt::hashed_machine_id("othertool", overt::MachineIdSecret::use_if_present));
}

TEST(WindowsRedaction, ProfilePathsLoseTheUserName) {
    const std::string user = overt::platform::user_name();
    ASSERT_FALSE(user.empty());
    const std::string redacted = overt::redact("failed to open C:\\Users\\" + user + "\\project\\build.log");
    EXPECT_EQ(redacted.find("\\" + user + "\\"), std::string::npos) << redacted;
}

TEST(WindowsTrust, AFileOfTheUserInAFolderOfTheUserIsTrusted) {
    ScratchDir dir("trust");
    std::ofstream(dir.path() / "overt-x.dll") << "not really a dll";
    // Wine keeps no NTFS ACLs of its own: the owner is the user and the DACL grants the user
    // alone, so the refusals for foreign owners and broad write ACEs cannot be staged here;
    // the checks still run over what wine reports.
    const auto file = overt::support::open_trusted(dir.path().string(), "overt-x.dll");
    EXPECT_EQ(overt::support::sha256_hex(file).size(), 64u);
    EXPECT_NE(file.identity().inode, 0u);
}

TEST(WindowsTrust, AMissingFileIsRefusedWithTheSystemsWords) {
    ScratchDir dir("trust-missing");
    EXPECT_THROW(overt::support::open_trusted(dir.path().string(), "overt-none.dll"), overt::support::Refusal);
}

}  // namespace
