// SPDX-License-Identifier: MIT
// The .deb packages cpack made (fixture deb_build_test): names, control fields and files.
// Plugins must land in the plugin dir compiled into libovert, so installing
// overt-plugin-<name> is all it takes to use a backend.
#include "consumer_run.hpp"
#include "packaging_env.hpp"
#include "process.hpp"

#include <overt/testing/conformance.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace overt::packaging_test;

namespace {

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// The file of `package` cpack made (<package>_<version>_<arch><extension>); empty if none.
fs::path package_file(const std::string& package, const std::string& extension = ".deb") {
    for (const auto& entry : fs::directory_iterator(OVERT_DEB_DIR))
        if (entry.path().extension() == extension && entry.path().filename().string().rfind(package + "_", 0) == 0)
            return entry.path();
    return {};
}

// One .deb: its control fields and its files, unpacked into a scratch root.
class Deb {
   public:
    explicit Deb(const std::string& package) {
        path_ = package_file(package);
        if (path_.empty()) return;
        CommandResult unpacked = run("dpkg-deb -x " + shell_quote(path_.string()) + " " + shell_quote(root_.path().string()));
        if (unpacked.exit_code != 0) throw std::runtime_error(unpacked.output);
        for (auto it = fs::recursive_directory_iterator(root_.path()); it != fs::recursive_directory_iterator(); ++it)
            if (!it->is_directory() || it->is_symlink()) files_.insert("/" + it->path().lexically_relative(root_.path()).string());
    }

    bool found() const { return !path_.empty(); }
    std::string field(const std::string& name) const {
        return trim(run("dpkg-deb -f " + shell_quote(path_.string()) + " " + name).output);
    }
    const std::set<std::string>& files() const { return files_; }
    bool has(const std::string& file) const { return files_.count(file) == 1; }
    fs::path root() const { return root_.path(); }
    std::string listing() const {
        std::string out;
        for (const auto& f : files_) out += f + "\n";
        return out;
    }

   private:
    fs::path path_;
    ScratchDir root_;
    std::set<std::string> files_;
};

const std::string kLib = kInstallFullLibdir;
const std::string kPrefix = kInstallPrefix;
const std::string kExactRuntime = std::string("libovert0 (= ") + kVersion + ")";

std::vector<std::string> all_packages() {
    std::vector<std::string> packages = {"libovert0", "libovert-dev", "overt"};
    for (const std::string& name : split_words(kPlugins)) packages.push_back("overt-plugin-" + name);
    return packages;
}

// A control-archive member (triggers, postinst, ...) of a .deb; "" when it has none.
std::string control_member(const std::string& package, const std::string& member) {
    const fs::path deb = package_file(package);
    if (deb.empty()) return {};
    CommandResult shown = run("dpkg-deb -I " + shell_quote(deb.string()) + " " + member + " 2>/dev/null");
    return shown.exit_code == 0 ? shown.output : std::string();
}

TEST(DebPackages, LibraryPackageHoldsTheLibraryUnderItsSonameAndWhatItRuns) {
    Deb deb("libovert0");
    ASSERT_TRUE(deb.found()) << "no libovert0_*.deb in " << OVERT_DEB_DIR;
    EXPECT_EQ(deb.field("Package"), "libovert0");
    EXPECT_EQ(deb.field("Version"), kVersion);
    EXPECT_EQ(deb.field("Section"), "libs");
    EXPECT_FALSE(deb.field("Maintainer").empty());
    EXPECT_TRUE(deb.has(kLib + "/libovert.so.0")) << deb.listing();
    EXPECT_TRUE(deb.has(kLib + "/libovert.so." + kVersion)) << deb.listing();
    // libovert spawns these from beside itself on a tool's exit: they ship with it.
    EXPECT_TRUE(deb.has(kLib + "/overt/overt-sender")) << deb.listing();
    EXPECT_TRUE(deb.has(kLib + "/overt/overt-detach")) << deb.listing();
    EXPECT_TRUE(deb.has(kLib + "/overt/libovert-transport.so.0")) << deb.listing();
    EXPECT_FALSE(deb.has(kLib + "/libovert.so")) << "the namelink belongs in libovert-dev";
    EXPECT_FALSE(deb.has(kPrefix + "/bin/overt")) << "the command belongs in overt";
    for (const auto& file : deb.files()) {
        EXPECT_EQ(file.find("/include/"), std::string::npos) << file;
        EXPECT_EQ(file.find("/overt/plugins/"), std::string::npos) << file << ": plugins have their own packages";
    }
    // ldconfig through dpkg's trigger, no maintainer script; the shlibs file names the package.
    EXPECT_NE(control_member("libovert0", "triggers").find("activate-noawait ldconfig"), std::string::npos);
    EXPECT_EQ(control_member("libovert0", "postinst"), "");
    EXPECT_NE(control_member("libovert0", "shlibs").find("libovert 0 libovert0"), std::string::npos)
        << control_member("libovert0", "shlibs");
}

TEST(DebPackages, CommandPackageHasTheCommandAndItsManPage) {
    Deb deb("overt");
    ASSERT_TRUE(deb.found()) << "no overt_*.deb in " << OVERT_DEB_DIR;
    EXPECT_EQ(deb.field("Section"), "utils");
    EXPECT_NE(deb.field("Depends").find(kExactRuntime), std::string::npos) << deb.field("Depends");
    EXPECT_TRUE(deb.has(kPrefix + "/bin/overt")) << deb.listing();
    const std::string man_page = kPrefix + "/share/man/man1/overt.1.gz";
    ASSERT_TRUE(deb.has(man_page)) << deb.listing();
    CommandResult man = run("zcat " + shell_quote((deb.root() / man_page.substr(1)).string()));
    EXPECT_NE(man.output.find(".SH ENVIRONMENT"), std::string::npos) << man.output;
    EXPECT_NE(man.output.find("DO_NOT_TRACK"), std::string::npos) << man.output;
    EXPECT_NE(man.output.find("enable"), std::string::npos) << "the subcommands: " << man.output;
    EXPECT_EQ(man.output.find("/bin/overt"), std::string::npos) << "usage names the build path: " << man.output;
    EXPECT_TRUE(deb.has(kPrefix + "/share/overt/overt.yaml")) << deb.listing();
}

TEST(DebPackages, DevPackageHasHeadersCMakePackagePkgConfigAndTemplate) {
    Deb deb("libovert-dev");
    ASSERT_TRUE(deb.found()) << "no libovert-dev_*.deb in " << OVERT_DEB_DIR;
    EXPECT_EQ(deb.field("Section"), "libdevel");
    EXPECT_NE(deb.field("Depends").find(kExactRuntime), std::string::npos) << deb.field("Depends");
    for (const char* header : {"backend.h", "backend.hpp", "event.hpp", "config.hpp", "overt.h", "testing/conformance.hpp",
                               "testing/fake_host.hpp"})
        EXPECT_TRUE(deb.has(kPrefix + "/include/overt/" + header)) << header << "\n" << deb.listing();
    EXPECT_TRUE(deb.has(kLib + "/libovert.so")) << deb.listing();
    EXPECT_TRUE(deb.has(kLib + "/cmake/overt/overtConfig.cmake")) << deb.listing();
    EXPECT_TRUE(deb.has(kLib + "/cmake/overt/overtConfigVersion.cmake")) << deb.listing();
    EXPECT_TRUE(deb.has(kLib + "/cmake/overt/overtTargets.cmake")) << deb.listing();
    EXPECT_TRUE(deb.has(kLib + "/pkgconfig/overt.pc")) << deb.listing();
    EXPECT_TRUE(deb.has(kLib + "/pkgconfig/overt-sdk.pc")) << deb.listing();
    for (const char* file : {"CMakeLists.txt", "my_backend.cpp", "tests/conformance_test.cpp"})
        EXPECT_TRUE(deb.has(kPrefix + "/share/overt/sdk-template/" + file)) << file << "\n" << deb.listing();
}

// What lintian, Debian's package checker, says of every package and debug package: no error.
// (A Release build's debug packages hold symbol tables only: lintian warns that they lack
// debug info, which a RelWithDebInfo build gives them.)
TEST(DebPackages, LintianFindsNoErrorInAnyPackage) {
    CommandResult lintian = run("cd " + shell_quote(OVERT_DEB_DIR) +
                                " && lintian --fail-on error --tag-display-limit 0 --suppress-tags "
                                "debug-file-with-no-debug-symbols *.deb *.ddeb 2>&1");
    EXPECT_EQ(lintian.exit_code, 0) << lintian.output;
    EXPECT_EQ(lintian.output.find("E: "), std::string::npos) << lintian.output;
}

TEST(DebPackages, PackagedProgramsAreStrippedWithTheirSymbolsInDebugPackages) {
    for (const char* package : {"libovert0", "overt"}) {
        SCOPED_TRACE(package);
        Deb deb(package);
        ASSERT_TRUE(deb.found());
        for (const std::string& file : deb.files()) {
            const fs::path path = deb.root() / file.substr(1);
            if (fs::is_symlink(path) || (file.find("/bin/") == std::string::npos && file.find(".so") == std::string::npos &&
                                         file.find("/overt/overt-") == std::string::npos))
                continue;
            CommandResult described = run("file -b " + shell_quote(path.string()));
            EXPECT_NE(described.output.find(", stripped"), std::string::npos) << file << ": " << described.output;
        }
    }
    const fs::path debug_package = package_file("libovert0-dbgsym", ".ddeb");
    ASSERT_FALSE(debug_package.empty()) << "no libovert0-dbgsym_*.ddeb in " << OVERT_DEB_DIR;
    CommandResult listing = run("dpkg-deb -c " + shell_quote(debug_package.string()));
    EXPECT_NE(listing.output.find("/usr/lib/debug/.build-id/"), std::string::npos) << listing.output;
    EXPECT_NE(listing.output.find("usr/share/doc/libovert0-dbgsym -> libovert0"), std::string::npos) << listing.output;
}

TEST(DebPackages, EachPluginPackageHoldsOnlyItsPluginInTheDefaultDir) {
    const auto plugins = split_words(kPlugins);
    ASSERT_FALSE(plugins.empty());
    for (const std::string& name : plugins) {
        SCOPED_TRACE("plugin " + name);
        Deb deb("overt-plugin-" + name);
        ASSERT_TRUE(deb.found()) << "no overt-plugin-" << name << "_*.deb in " << OVERT_DEB_DIR;
        EXPECT_EQ(deb.field("Package"), "overt-plugin-" + name);
        EXPECT_EQ(deb.field("Version"), kVersion);
        EXPECT_NE(deb.field("Depends").find(kExactRuntime), std::string::npos) << deb.field("Depends");
        const std::string plugin_file = kLib + "/overt/plugins/libovert-" + name + ".so";
        const std::string doc_dir = kPrefix + "/share/doc/overt-plugin-" + name;
        EXPECT_EQ(deb.files(), (std::set<std::string>{plugin_file, doc_dir + "/copyright", doc_dir + "/changelog.gz"}))
            << deb.listing();

        // What the package installs is a plugin the kit can load under that name.
        const auto results = overt::testing::run_conformance([&] {
            overt::testing::ConformanceOptions options;
            options.plugin_path = (deb.root() / plugin_file.substr(1)).string();
            options.large_batch_size = 10;
            return options;
        }());
        const auto* name_check = &results.front();
        for (const auto& r : results)
            if (r.name == "descriptor.name_matches_file") name_check = &r;
        EXPECT_EQ(name_check->name, "descriptor.name_matches_file") << overt::testing::format_report(results);
        EXPECT_TRUE(name_check->passed) << name_check->message;
    }
}

// Nobody may redistribute what carries no licence: each package has its copyright file, and
// the changelog Debian asks for.
TEST(DebPackages, EveryPackageCarriesTheMitCopyrightFileAndTheChangelog) {
    for (const std::string& package : all_packages()) {
        Deb deb(package);
        ASSERT_TRUE(deb.found()) << package;
        const std::string copyright = kPrefix + "/share/doc/" + package + "/copyright";
        ASSERT_TRUE(deb.has(copyright)) << package << "\n" << deb.listing();
        const std::string text = read_file(deb.root() / copyright.substr(1));
        EXPECT_EQ(text.rfind("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/", 0), 0u);
        EXPECT_NE(text.find("License: MIT\n Permission is hereby granted"), std::string::npos) << package;
        const std::string changelog = kPrefix + "/share/doc/" + package + "/changelog.gz";
        ASSERT_TRUE(deb.has(changelog)) << package << "\n" << deb.listing();
        CommandResult head = run("zcat " + shell_quote((deb.root() / changelog.substr(1)).string()) + " | head -n 1");
        EXPECT_EQ(head.output, std::string("overt (") + kVersion + ") unstable; urgency=medium\n") << package;
    }
}

TEST(DebPackages, NoFileIsInTwoPackages) {
    std::map<std::string, std::string> owner;
    for (const std::string& package : all_packages()) {
        Deb deb(package);
        ASSERT_TRUE(deb.found()) << package;
        for (const std::string& file : deb.files()) {
            auto [it, inserted] = owner.emplace(file, package);
            EXPECT_TRUE(inserted) << file << " is in " << it->second << " and " << package;
        }
    }
}

// The packages as a user installs them: libovert0, libovert-dev and overt-plugin-file unpacked into
// one root, examples/consumer built against it with find_package and with pkg-config, and run
// with the packaged file plugin.
TEST(DebPackages, ConsumerBuildsAgainstTheUnpackedPackagesBothWays) {
    ScratchDir root;
    for (const char* package : {"libovert0", "libovert-dev", "overt-plugin-file"}) {
        const fs::path deb = package_file(package);
        ASSERT_FALSE(deb.empty()) << "no " << package << "_*.deb in " << OVERT_DEB_DIR;
        CommandResult unpacked = run("dpkg-deb -x " + shell_quote(deb.string()) + " " + shell_quote(root.path().string()));
        ASSERT_EQ(unpacked.exit_code, 0) << unpacked.output;
    }
    const std::string prefix = root.path().string() + kPrefix;
    const std::string libdir = root.path().string() + kLib;
    const std::string plugin_dir = libdir + "/overt/plugins";
    const std::string source = std::string(kSourceDir) + "/examples/consumer";
    const std::string run_env = "CONSUMER_TELEMETRY=1 LD_LIBRARY_PATH=" + shell_quote(libdir);

    const std::string cmake_binary = root / "consumer-cmake";
    CommandResult configured = run(shell_quote(kCMake) + " -S " + shell_quote(source) + " -B " + shell_quote(cmake_binary) +
                                   " -G Ninja -DCMAKE_PREFIX_PATH=" + shell_quote(prefix) +
                                   " -DCMAKE_CXX_COMPILER=" + shell_quote(kCxxCompiler) +
                                   " -DCMAKE_CXX_FLAGS=" + shell_quote(kCxxFlags) +
                                   " -DCMAKE_EXE_LINKER_FLAGS=" + shell_quote(kExeLinkerFlags) + " && " +
                                   shell_quote(kCMake) + " --build " + shell_quote(cmake_binary));
    ASSERT_EQ(configured.exit_code, 0) << configured.output;
    expect_consumer_events(ConsumerRun(cmake_binary + "/consumer", plugin_dir, run_env));

    const std::string make_binary = root / "consumer-make";
    fs::create_directories(make_binary);
    CommandResult made = run("PKG_CONFIG_PATH=" + shell_quote(libdir + "/pkgconfig") + " CXX=" + shell_quote(kCxxCompiler) +
                             " CXXFLAGS=" + shell_quote(kCxxFlags) + " LDFLAGS=" + shell_quote(kExeLinkerFlags) +
                             " make -C " + shell_quote(make_binary) + " -f " + shell_quote(source + "/Makefile") +
                             " VPATH=" + shell_quote(source));
    ASSERT_EQ(made.exit_code, 0) << made.output;
    expect_consumer_events(ConsumerRun(make_binary + "/consumer", plugin_dir, run_env));
}

}  // namespace
