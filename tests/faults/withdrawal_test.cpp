// Withdrawal reaches every process: while overt-sender (or a long-running service) delivers to
// a slow endpoint, another process erases the data dir (drop(), as `overt disable` and
// delete-my-data do) or the user's consent file turns to denied. No request may start after
// that returns, no erased spill file may come back, and the books still add up.
#include "fault_support.hpp"

#include "../privacy/test_env.hpp"
#include "delivery/sender_spawn.hpp"

#include <overt/consent.hpp>

#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

// Answers every HTTP request with 200 after `delay`, one connection at a time, noting when each
// request arrived.
class SlowServer {
   public:
    explicit SlowServer(std::chrono::milliseconds delay) : delay_(delay) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
            throw std::runtime_error("slow server listener failed");
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~SlowServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/ingest"; }
    std::vector<Clock::time_point> arrivals() const {
        std::lock_guard lock(mutex_);
        return arrivals_;
    }

   private:
    void serve() {
        while (!stop_) {
            pollfd ready{fd_, POLLIN, 0};
            if (::poll(&ready, 1, 20) <= 0) continue;
            int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            std::string request;
            char chunk[4096];
            // Headers, then Content-Length bytes of body.
            size_t expected = std::string::npos;
            while (expected == std::string::npos || request.size() < expected) {
                pollfd in{client, POLLIN, 0};
                if (::poll(&in, 1, 2000) <= 0) break;
                ssize_t n = ::recv(client, chunk, sizeof chunk, 0);
                if (n <= 0) break;
                request.append(chunk, static_cast<size_t>(n));
                if (expected == std::string::npos) {
                    auto end = request.find("\r\n\r\n");
                    if (end == std::string::npos) continue;
                    auto length_at = request.find("Content-Length: ");
                    size_t length = length_at == std::string::npos ? 0 : std::stoul(request.substr(length_at + 16));
                    expected = end + 4 + length;
                    std::lock_guard lock(mutex_);
                    arrivals_.push_back(Clock::now());
                }
            }
            std::this_thread::sleep_for(delay_);
            const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            (void)::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
            ::close(client);
        }
    }
    std::chrono::milliseconds delay_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<Clock::time_point> arrivals_;
};

Config slow_endpoint_config(const TempDir& dir, const std::string& url) {
    Config config = test_config(/*buffer_max=*/5);  // 20 events: four spill files, four requests
    config.data_dir = dir.str();
    config.plugin_dirs = {OVERT_TEST_PLUGIN_DIR};
    config.flush_timeout_ms = 10000;
    config.exit_delivery = ExitDelivery::background;
    BackendConfig http;
    http.plugin = "http";
    http.id = "http";
    http.settings_json = nlohmann::json{{"endpoint", url}}.dump();
    config.backends = {http};
    return config;
}

// The tool: 20 events, close() hands them to overt-sender and returns.
void run_tool(const Config& config) {
    auto tool = Collector::open(config);
    ASSERT_TRUE(tool->enabled());
    for (int i = 0; i < 20; ++i) tool->track_command("build", i, 0);
    tool->close();
}

void wait_for_first_request(const SlowServer& server) {
    for (int i = 0; i < 500 && server.arrivals().empty(); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_FALSE(server.arrivals().empty()) << "overt-sender never reached the endpoint";
}

size_t requests_after(const SlowServer& server, Clock::time_point moment) {
    size_t count = 0;
    for (auto arrival : server.arrivals()) count += arrival > moment;
    return count;
}

class Withdrawal : public ::testing::Test {
   protected:
    TempDir dir;
    TempDir config_home;
    test::ScopedEnv xdg_config{"XDG_CONFIG_HOME", config_home.str().c_str()};
    test::ScopedEnv sender{"OVERT_SENDER", OVERT_SENDER_PROGRAM};
    test::ScopedEnv no_dnt{"DO_NOT_TRACK", nullptr};
    void SetUp() override { ConsentStore("mytool").save(Consent::granted); }
};

TEST_F(Withdrawal, DropStopsARunningSenderAndNothingComesBack) {
    SlowServer server(300ms);
    const Config config = slow_endpoint_config(dir, server.url());
    run_tool(config);
    wait_for_first_request(server);

    CollectorOptions local;  // what `overt disable` does after saving the denial
    local.data_dir = dir.str();
    Collector eraser(config, {}, local);
    eraser.drop();
    const auto dropped_at = Clock::now();

    ASSERT_TRUE(delivery::wait_for_senders(dir.str(), Clock::now() + 10s)) << "the sender did not stop";
    EXPECT_EQ(requests_after(server, dropped_at), 0u) << "a request left after the data dir was erased";
    EXPECT_TRUE(spill_files(dir.path()).empty()) << "an erased spill file came back";
    EXPECT_LT(server.arrivals().size(), 4u) << "the sender delivered everything: the test raced nothing";
    PersistedCounters books = read_persisted_counters(dir.str());
    uint64_t dropped = 0;
    for (const auto& [reason, count] : books.dropped) dropped += count;
    EXPECT_EQ(books.tracked, 20u);
    EXPECT_EQ(books.tracked, books.sent + books.handed_off + dropped) << "the sender's books do not add up";
    EXPECT_GT(books.dropped[std::string(drop_reason::consent_withdrawn)], 0u);
}

TEST_F(Withdrawal, DenialInTheConsentFileStopsTheSenderBeforeItsNextRequest) {
    SlowServer server(300ms);
    const Config config = slow_endpoint_config(dir, server.url());
    run_tool(config);
    wait_for_first_request(server);

    ConsentStore("mytool").save(Consent::denied);
    const auto denied_at = Clock::now();

    ASSERT_TRUE(delivery::wait_for_senders(dir.str(), Clock::now() + 10s)) << "the sender did not stop";
    EXPECT_EQ(requests_after(server, denied_at), 0u) << "a request left after consent was withdrawn";
    EXPECT_LT(server.arrivals().size(), 4u);
}

TEST_F(Withdrawal, ErasureByAnotherProcessStopsAnInProcessFlushAndItsBuffer) {
    SlowServer server(300ms);
    Config config = slow_endpoint_config(dir, server.url());
    config.exit_delivery = ExitDelivery::in_process;  // a long-running service delivering itself
    auto service = Collector::open(config);
    for (int i = 0; i < 20; ++i) service->track_command("serve", i, 0);
    std::thread flusher([&] { service->flush(); });
    wait_for_first_request(server);

    CollectorOptions local;
    local.data_dir = dir.str();
    Collector(config, {}, local).drop();
    const auto dropped_at = Clock::now();
    flusher.join();

    EXPECT_EQ(requests_after(server, dropped_at), 0u);
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_TRUE(service->counters().adds_up());
    EXPECT_EQ(service->counters().spilled, 0u) << "the erased files stayed in the books";
    // Later events of a service whose user still consents go out again.
    service->track_command("after", 1, 0);
    FlushReport later = service->flush();
    EXPECT_EQ(later.events_sent, 1u) << later.summary();
    service->close();
    EXPECT_TRUE(service->counters().adds_up());
}

}  // namespace
}  // namespace overt::testing
