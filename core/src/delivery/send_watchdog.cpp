#include "delivery/send_watchdog.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace overt::delivery {
namespace {

// Shared by the caller and the call's thread, so either may finish last.
struct PendingCall {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    SendResult result;
};

SendResult run_guarded(const std::function<SendResult()>& call) {
    try {
        return call();
    } catch (const std::exception& e) {
        return {SendStatus::fatal, -1, 0, std::string("sink threw: ") + e.what()};
    } catch (...) {
        return {SendStatus::fatal, -1, 0, "sink threw a non-standard exception"};
    }
}

}  // namespace

std::optional<SendResult> call_with_watchdog(std::function<SendResult()> call, Deadline give_up) {
    auto pending = std::make_shared<PendingCall>();
    auto shared_call = std::make_shared<std::function<SendResult()>>(std::move(call));
    std::thread worker;
    try {
        worker = std::thread([pending, shared_call] {
            SendResult result = run_guarded(*shared_call);
            std::lock_guard lock(pending->mutex);
            pending->result = std::move(result);
            pending->done = true;
            pending->finished.notify_all();
        });
    } catch (const std::system_error&) {
        // No thread to be had (resource limits): call it here, unguarded, rather than not at all.
        return run_guarded(*shared_call);
    }
    std::unique_lock lock(pending->mutex);
    if (!pending->finished.wait_until(lock, give_up, [&] { return pending->done; })) {
        lock.unlock();
        worker.detach();  // it owns what it uses; see abandon_forever for the sink itself
        return std::nullopt;
    }
    SendResult result = std::move(pending->result);
    lock.unlock();
    worker.join();
    return result;
}

void abandon_forever(std::shared_ptr<void> object) {
    static std::mutex mutex;
    static auto* kept = new std::vector<std::shared_ptr<void>>();  // never freed on purpose
    std::lock_guard lock(mutex);
    kept->push_back(std::move(object));
}

}  // namespace overt::delivery
