// SPDX-License-Identifier: MIT
// libovert's side of the transport module: finding it in the build tree, the refusals, and
// the lazy HttpService in front of it.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "capture_server.hpp"
#include "test_support.hpp"
#include "transport/http_service.hpp"
#include "transport/transport_module.hpp"

namespace overt::test {
namespace {

namespace fs = std::filesystem;

TEST(TransportModule, IsFoundBesideLibovertAndHasItsVersion) {
    std::string why;
    const std::string path = transport::find_transport_module(why);
    ASSERT_FALSE(path.empty()) << why;
    EXPECT_TRUE(fs::equivalent(path, OVERT_TEST_TRANSPORT_MODULE)) << path;
    const auto& loaded = transport::transport_module();
    ASSERT_NE(loaded.module, nullptr) << loaded.error;
    EXPECT_STREQ(loaded.module->version, OVERT_TEST_RELEASE_VERSION);
}

TEST(TransportModule, MissingFileIsAnErrorNamingThePath) {
    const std::string missing = make_temp_dir() + "/libovert-transport.so.0";
    const auto loaded = transport::load_transport_module(missing);
    EXPECT_EQ(loaded.module, nullptr);
    EXPECT_NE(loaded.error.find(missing), std::string::npos) << loaded.error;
}

TEST(TransportModule, GroupWritableDirectoryIsRefused) {
    const std::string dir = make_temp_dir();
    const std::string copy = dir + "/libovert-transport.so.0";
    fs::copy_file(OVERT_TEST_TRANSPORT_MODULE, copy);
    ASSERT_EQ(::chmod(dir.c_str(), 0775), 0);
    const auto loaded = transport::load_transport_module(copy);
    EXPECT_EQ(loaded.module, nullptr);
    EXPECT_NE(loaded.error.find("writable"), std::string::npos) << loaded.error;
}

TEST(TransportModule, LibraryWithoutTheEntryPointIsRefused) {
    const std::string plugin = std::string(OVERT_TEST_PLUGIN_DIR) + "/libovert-http.so";
    const auto loaded = transport::load_transport_module(plugin);
    EXPECT_EQ(loaded.module, nullptr);
    EXPECT_NE(loaded.error.find("overt_transport_module_v1"), std::string::npos) << loaded.error;
}

TEST(TransportModule, LazyServicePostsThroughTheModule) {
    CaptureServer server({{204, {}, ""}});
    transport::HttpRequest request;
    request.url = server.url("/lazy");
    request.body = "{}";
    const auto response = transport::make_http_service()->post(request);
    ASSERT_FALSE(response.transport_error) << response.error;
    EXPECT_EQ(response.status_code, 204);
}

}  // namespace
}  // namespace overt::test
