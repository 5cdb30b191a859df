// SPDX-License-Identifier: MIT
#include "support/bounded_call.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace overt::support {
namespace {

// Shared by the caller and the call's thread, so either may finish last.
struct PendingCall {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
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

bool run_bounded(std::function<void()> call, Deadline give_up) {
    auto pending = std::make_shared<PendingCall>();
    auto shared_call = std::make_shared<std::function<void()>>(std::move(call));
    std::thread worker;
    try {
        worker = std::thread([pending, shared_call] {
            (*shared_call)();
            std::lock_guard lock(pending->mutex);
            pending->done = true;
            pending->finished.notify_all();
        });
    } catch (const std::system_error&) {
        (*shared_call)();
        return true;
    }
    std::unique_lock lock(pending->mutex);
    if (!pending->finished.wait_until(lock, give_up, [&] { return pending->done; })) {
        lock.unlock();
        worker.detach();  // it owns what it uses; see abandon_forever for the objects it calls
        return false;
    }
    lock.unlock();
    worker.join();
    return true;
}

std::optional<SendResult> call_with_watchdog(std::function<SendResult()> call, Deadline give_up) {
    return call_bounded<SendResult>([call = std::move(call)] { return run_guarded(call); }, give_up);
}

void abandon_forever(std::shared_ptr<void> object) {
    static std::mutex mutex;
    static auto* kept = new std::vector<std::shared_ptr<void>>();  // never freed on purpose
    std::lock_guard lock(mutex);
    kept->push_back(std::move(object));
}

}  // namespace overt::support
