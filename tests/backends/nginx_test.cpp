// SPDX-License-Identifier: MIT
// Fault cases against a real nginx on 127.0.0.1: the network plugins loaded through the real
// plugin host, with the libcurl service, facing nginx's own 503/429 replies and TLS.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "nginx_peer.hpp"
#include "test_support.hpp"

namespace overt::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kLocations = R"(
    location /status/503 { add_header Retry-After 1 always; return 503; }
    location = /status/429 { add_header Retry-After 2 always; return 429; }
    location = /status/403 { return 403 'forbidden by nginx'; }
    location /otlp/ { return 200 '{}'; }
    location / { return 202 '{}'; }
)";

class Nginx : public ::testing::Test {
   protected:
    static void SetUpTestSuite() {
        try {
            peer_ = new NginxPeer(kLocations);
        } catch (const std::exception& e) {
            start_error_ = e.what();
        }
    }
    static void TearDownTestSuite() {
        delete peer_;
        peer_ = nullptr;
    }
    void SetUp() override {
        if (!peer_) FAIL() << "nginx did not start: " << start_error_;  // fail loudly, never skip
    }
    static NginxPeer* peer_;
    static std::string start_error_;
    PluginHost host = make_test_host();
};
std::string Nginx::start_error_;
NginxPeer* Nginx::peer_ = nullptr;

TEST_F(Nginx, AcceptedBatchIsOk) {
    auto sink = make_sink(host, "http", Json{{"endpoint", peer_->http_url("/ingest")}}.dump());
    SendResult result = sink->send(sample_events(2), deadline_in(5s));
    EXPECT_EQ(result.status, SendStatus::ok) << result.message;
    
}

TEST_F(Nginx, ServiceUnavailableIsRetriedAfterItsRetryAfter) {
    // otlp appends /v1/logs to its endpoint; the prefix location answers both.
    for (const std::string plugin : {"http", "otlp"}) {
        auto sink = make_sink(host, plugin, Json{{"endpoint", peer_->http_url("/status/503")}}.dump());
        SendResult result = sink->send(sample_events(1), deadline_in(5s));
        EXPECT_EQ(result.status, SendStatus::retry) << plugin << ": " << result.message;
        EXPECT_EQ(result.retry_after_ms, 1000) << plugin;
        EXPECT_NE(result.message.find("503"), std::string::npos) << plugin << ": " << result.message;
    }
}

TEST_F(Nginx, TooManyRequestsCarriesRetryAfter) {
    auto sink = make_sink(host, "datadog",
                          Json{{"api_key", "k"}, {"endpoint", peer_->http_url("/status/429")}}.dump());
    SendResult result = sink->send(sample_events(3), deadline_in(5s));
    EXPECT_EQ(result.status, SendStatus::retry) << result.message;
    EXPECT_EQ(result.retry_after_ms, 2000);
    EXPECT_EQ(result.accepted, 0u);
}

TEST_F(Nginx, ForbiddenIsRejectedWithTheReceiversText) {
    auto sink = make_sink(host, "posthog",
                          Json{{"api_key", "phc_test"}, {"endpoint", peer_->http_url("/status/403")}}.dump());
    SendResult result = sink->send(sample_events(1), deadline_in(5s));
    EXPECT_EQ(result.status, SendStatus::rejected) << result.message;
    EXPECT_NE(result.message.find("forbidden by nginx"), std::string::npos) << result.message;
}

TEST_F(Nginx, TlsWithAnUnknownCaIsATransportFailureUntilCaFileNamesIt) {
    const std::string url = peer_->https_url("/otlp");
    auto untrusted = make_sink(host, "otlp", Json{{"endpoint", url}}.dump());
    SendResult refused = untrusted->send(sample_events(1), deadline_in(5s));
    EXPECT_EQ(refused.status, SendStatus::retry) << refused.message;
    EXPECT_NE(refused.message.find("otlp"), std::string::npos) << refused.message;

    auto wrong_ca = make_sink(host, "otlp", Json{{"endpoint", url}, {"ca_file", test_pki().other_ca_cert}}.dump());
    EXPECT_EQ(wrong_ca->send(sample_events(1), deadline_in(5s)).status, SendStatus::retry);

    auto trusted = make_sink(host, "otlp", Json{{"endpoint", url}, {"ca_file", test_pki().ca_cert}}.dump());
    SendResult ok = trusted->send(sample_events(1), deadline_in(5s));
    EXPECT_EQ(ok.status, SendStatus::ok) << ok.message;
}

}  // namespace
}  // namespace overt::test
