// SPDX-License-Identifier: MIT
// The host's libcurl HTTP service against the capture server.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "capture_server.hpp"
#include "test_support.hpp"
#include "transport/curl/curl_http_service.hpp"
#include "transport/curl/gzip.hpp"
#include "transport/curl/retry_after.hpp"

namespace overt::test {
namespace {

using transport::HttpRequest;
using transport::HttpResponse;

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

HttpRequest post_to(const std::string& url, std::string body = R"({"a":1})") {
    HttpRequest r;
    r.url = url;
    r.content_type = "application/json";
    r.body = std::move(body);
    r.deadline_ns = now_ns() + 5'000'000'000;
    return r;
}

TEST(Gzip, RoundTripsAndRejectsGarbage) {
    std::string text(100000, 'x');
    text += "tail \xe2\x98\x83";
    std::string packed = transport::gzip_compress(text);
    EXPECT_LT(packed.size(), text.size() / 10);
    EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // gzip magic
    EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
    EXPECT_EQ(transport::gzip_decompress(packed), text);
    EXPECT_THROW(transport::gzip_decompress("not gzip at all"), std::runtime_error);
    EXPECT_THROW(transport::gzip_decompress(packed.substr(0, packed.size() / 2)), std::runtime_error);
}

TEST(RetryAfter, ParsesSecondsAndHttpDates) {
    std::time_t now = 1'700'000'000;  // 2023-11-14T22:13:20Z
    EXPECT_EQ(transport::parse_retry_after_ms("120", now), 120'000);
    EXPECT_EQ(transport::parse_retry_after_ms(" 0 ", now), 0);
    EXPECT_EQ(transport::parse_retry_after_ms("Tue, 14 Nov 2023 22:13:50 GMT", now), 30'000);
    EXPECT_EQ(transport::parse_retry_after_ms("Tue, 14 Nov 2023 22:00:00 GMT", now), 0);  // in the past
    EXPECT_EQ(transport::parse_retry_after_ms("soon", now), -1);
    EXPECT_EQ(transport::parse_retry_after_ms("12abc", now), -1);
    EXPECT_EQ(transport::parse_retry_after_ms("", now), -1);
    EXPECT_GT(transport::parse_retry_after_ms("99999999999999999999999", now), 0);  // clamped, no overflow
}

class CurlService : public ::testing::Test {
   protected:
    std::shared_ptr<transport::HttpService> http = transport::curl::make_http_service();
};

TEST_F(CurlService, PostsBodyHeadersAndUserAgent) {
    CaptureServer server({{200, {{"Content-Type", "application/json"}}, R"({"ok":true})"}});
    HttpRequest request = post_to(server.url("/ingest?x=1"));
    request.headers = {{"X-Api-Key", "secret"}};
    HttpResponse response = http->post(request);
    ASSERT_FALSE(response.transport_error) << response.error;
    EXPECT_EQ(response.status_code, 200);
    EXPECT_EQ(response.body, R"({"ok":true})");
    EXPECT_EQ(response.retry_after_ms, -1);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].target, "/ingest?x=1");
    EXPECT_EQ(requests[0].body, R"({"a":1})");
    EXPECT_EQ(requests[0].headers["content-type"], "application/json");
    EXPECT_EQ(requests[0].headers["x-api-key"], "secret");
    EXPECT_EQ(requests[0].headers["user-agent"].rfind("overt/", 0), 0u);
    EXPECT_EQ(requests[0].headers.count("content-encoding"), 0u);
    EXPECT_EQ(requests[0].headers.count("expect"), 0u);
}

TEST_F(CurlService, GzipsWhenAsked) {
    CaptureServer server;
    std::string body(50000, 'a');
    HttpRequest request = post_to(server.url(), body);
    request.gzip = true;
    ASSERT_EQ(http->post(request).status_code, 200);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].headers["content-encoding"], "gzip");
    EXPECT_LT(requests[0].body.size(), body.size());
    EXPECT_EQ(requests[0].decoded_body, body);
}

TEST_F(CurlService, ReportsStatusAndRetryAfter) {
    CaptureServer server({{429, {{"Retry-After", "7"}}, "slow down"}, {503, {}, ""}, {403, {}, "bad key"}});
    HttpResponse first = http->post(post_to(server.url()));
    EXPECT_EQ(first.status_code, 429);
    EXPECT_FALSE(first.transport_error);
    EXPECT_EQ(first.retry_after_ms, 7000);
    EXPECT_EQ(first.body, "slow down");
    HttpResponse second = http->post(post_to(server.url()));
    EXPECT_EQ(second.status_code, 503);
    EXPECT_EQ(second.retry_after_ms, -1);  // not carried over from the previous exchange
    HttpResponse third = http->post(post_to(server.url()));
    EXPECT_EQ(third.status_code, 403);
    EXPECT_EQ(third.body, "bad key");
}

TEST_F(CurlService, ReusesTheConnection) {
    CaptureServer server;
    for (int i = 0; i < 4; ++i) ASSERT_EQ(http->post(post_to(server.url())).status_code, 200);
    EXPECT_EQ(server.requests().size(), 4u);
    EXPECT_EQ(server.connections_accepted(), 1);
}

TEST_F(CurlService, CapsTheResponseBodyAtOneMebibyte) {
    CaptureServer server({{200, {}, std::string(3 << 20, 'z')}});
    HttpResponse response = http->post(post_to(server.url()));
    EXPECT_EQ(response.status_code, 200);
    EXPECT_EQ(response.body.size(), 1u << 20);
}

TEST_F(CurlService, ConnectionRefusedIsATransportError) {
    int port;
    {
        CaptureServer closed;
        port = closed.port();
    }
    HttpResponse response = http->post(post_to("http://127.0.0.1:" + std::to_string(port) + "/"));
    EXPECT_TRUE(response.transport_error);
    EXPECT_EQ(response.status_code, 0);
    EXPECT_NE(response.error.find("127.0.0.1"), std::string::npos) << response.error;
}

TEST_F(CurlService, AServerThatNeverAnswersReturnsByTheDeadline) {
    CaptureServer server({ScriptedResponse::hang()});
    HttpRequest request = post_to(server.url());
    auto start = std::chrono::steady_clock::now();
    request.deadline_ns = now_ns() + 300'000'000;
    HttpResponse response = http->post(request);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(response.transport_error);
    EXPECT_NE(response.error.find("deadline"), std::string::npos) << response.error;
    EXPECT_LT(took, std::chrono::milliseconds(700));
    EXPECT_GE(took, std::chrono::milliseconds(250));
}

TEST_F(CurlService, ADroppedConnectionIsATransportError) {
    CaptureServer server({ScriptedResponse::close()});
    HttpResponse response = http->post(post_to(server.url()));
    EXPECT_TRUE(response.transport_error);
    EXPECT_FALSE(response.error.empty());
}

TEST_F(CurlService, APassedDeadlineFailsFastWithoutSending) {
    CaptureServer server;
    HttpRequest request = post_to(server.url());
    request.deadline_ns = now_ns() - 1;
    HttpResponse response = http->post(request);
    EXPECT_TRUE(response.transport_error);
    EXPECT_NE(response.error.find("deadline passed"), std::string::npos) << response.error;
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(CurlService, RefusesOtherSchemesCredentialsAndHeaderInjection) {
    for (const char* url : {"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/", "not a url"}) {
        HttpResponse response = http->post(post_to(url));
        EXPECT_TRUE(response.transport_error) << url;
        EXPECT_FALSE(response.error.empty()) << url;
    }
    HttpResponse with_user = http->post(post_to("http://user:pw@127.0.0.1:1/"));
    EXPECT_TRUE(with_user.transport_error);
    EXPECT_NE(with_user.error.find("credentials"), std::string::npos) << with_user.error;

    CaptureServer server;
    HttpRequest injected = post_to(server.url());
    injected.headers = {{"X-Ok", "a\r\nX-Evil: 1"}};
    EXPECT_TRUE(http->post(injected).transport_error);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(CurlService, FollowsSameOriginRedirectsOnly) {
    CaptureServer other;
    CaptureServer server({{307, {{"Location", "/moved"}}, ""}, {307, {{"Location", other.url("/x")}}, ""}});
    HttpResponse response = http->post(post_to(server.url("/start")));
    // First hop (/moved) is followed; the second points at another origin (another port) and
    // is not: the 307 comes back with its Location, for the plugin to report and retry.
    EXPECT_EQ(response.status_code, 307);
    EXPECT_EQ(response.location, other.url("/x"));
    EXPECT_NE(response.error.find("another host"), std::string::npos) << response.error;
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[1].target, "/moved");
    EXPECT_EQ(requests[1].body, R"({"a":1})");
    EXPECT_TRUE(other.requests().empty());
}

TEST_F(CurlService, A303IsNotRePostedAndComesBackWithItsLocation) {
    CaptureServer server({{303, {{"Location", "/see-other"}}, ""}});
    HttpResponse response = http->post(post_to(server.url("/start")));
    EXPECT_EQ(response.status_code, 303);
    EXPECT_EQ(response.location, server.url("/see-other"));
    EXPECT_EQ(server.requests().size(), 1u);  // no second POST, no GET either
}

TEST_F(CurlService, FollowsAnUpgradeToHttpsOnTheSameHostOnly) {
    const TestPki& pki = test_pki();
    TlsFiles files{pki.server_chain, pki.server_key};
    CaptureServer secure({ScriptedResponse{}}, &files);
    CaptureServer plain({{308, {{"Location", secure.url("/up")}}, ""},
                         {308, {{"Location", secure.url("/elsewhere", /*use_localhost_name=*/true)}}, ""}});
    HttpRequest request = post_to(plain.url("/start"));
    request.ca_file = pki.ca_cert;
    request.headers = {{"X-Api-Key", "k"}};
    HttpResponse upgraded = http->post(request);
    EXPECT_EQ(upgraded.status_code, 200) << upgraded.error;
    ASSERT_EQ(secure.requests().size(), 1u);
    EXPECT_EQ(secure.requests()[0].target, "/up");
    EXPECT_EQ(secure.requests()[0].body, R"({"a":1})");
    // "localhost" is another host name than 127.0.0.1: the key is not sent there.
    HttpResponse other_host = http->post(request);
    EXPECT_EQ(other_host.status_code, 308);
    EXPECT_EQ(other_host.location, secure.url("/elsewhere", true));
    EXPECT_EQ(secure.requests().size(), 1u);
}

TEST_F(CurlService, TlsWithAnUntrustedCertificateFails) {
    const TestPki& pki = test_pki();
    TlsFiles files{pki.server_chain, pki.server_key};
    CaptureServer server({ScriptedResponse{}}, &files);
    HttpResponse response = http->post(post_to(server.url()));  // system store: unknown CA
    EXPECT_TRUE(response.transport_error);
    EXPECT_FALSE(response.error.empty());

    HttpRequest wrong_ca = post_to(server.url());
    wrong_ca.ca_file = pki.other_ca_cert;
    EXPECT_TRUE(http->post(wrong_ca).transport_error);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(CurlService, TlsWithTheRightCaFileOrInsecureSucceeds) {
    const TestPki& pki = test_pki();
    TlsFiles files{pki.server_chain, pki.server_key};
    CaptureServer server({ScriptedResponse{}}, &files);
    HttpRequest with_ca = post_to(server.url("/", true));
    with_ca.ca_file = pki.ca_cert;
    HttpResponse ok = http->post(with_ca);
    EXPECT_FALSE(ok.transport_error) << ok.error;
    EXPECT_EQ(ok.status_code, 200);

    HttpRequest insecure = post_to(server.url());
    insecure.ca_file = pki.other_ca_cert;
    insecure.insecure = true;
    EXPECT_EQ(http->post(insecure).status_code, 200);
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(CurlService, AMissingCaFileIsNamed) {
    HttpRequest request = post_to("https://127.0.0.1:1/");
    request.ca_file = "/nonexistent/ca.pem";
    HttpResponse response = http->post(request);
    EXPECT_TRUE(response.transport_error);
    EXPECT_NE(response.error.find("/nonexistent/ca.pem"), std::string::npos) << response.error;
}

TEST_F(CurlService, IsSafeFromSeveralThreads) {
    CaptureServer server;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i)
                if (http->post(post_to(server.url())).status_code == 200) ++ok;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 40);
    EXPECT_EQ(server.requests().size(), 40u);
}

}  // namespace
}  // namespace overt::test
