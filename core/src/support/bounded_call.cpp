// SPDX-License-Identifier: MIT
#include "support/bounded_call.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
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
    // Set before `finished` is notified under `mutex`: the caller polls it, then waits on it.
    std::atomic<bool> returned{false};
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

// Threads that ran a bounded call wait a while for the next one instead of exiting: every
// send of a flush is a bounded call, and a thread created and joined per send was a large part
// of a flush (perf: clone3, the new thread's first faults, exit). A call that is abandoned keeps
// its thread; the next call finds no idle one and starts another.
class CallWorkers {
   public:
    // `before`: the workers of the process this one was forked from, kept reachable (they are
    // never freed) so leak checkers in a child do not report them.
    explicit CallWorkers(CallWorkers* before) : owner_pid_(::getpid()), before_(before) {}

    // False when no thread could be had (resource limits).
    bool run(std::function<void()> task) {
        {
            std::lock_guard lock(mutex_);
            if (idle_ > tasks_.size()) {
                tasks_.push_back(std::move(task));
                wake_.notify_one();
                return true;
            }
        }
        try {
            std::thread([this, task = std::move(task)]() mutable { work(std::move(task)); }).detach();
            return true;
        } catch (const std::system_error&) {
            return false;
        }
    }

    pid_t owner_pid() const noexcept { return owner_pid_; }

   private:
    static constexpr auto kIdleLimit = std::chrono::seconds(10);

    void work(std::function<void()> task) {
        for (;;) {
            task();
            task = nullptr;  // what the call captured is released before waiting
            std::unique_lock lock(mutex_);
            ++idle_;
            const bool woken = wake_.wait_for(lock, kIdleLimit, [this] { return !tasks_.empty(); });
            --idle_;
            if (!woken) return;
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
    }

    const pid_t owner_pid_;
    [[maybe_unused]] CallWorkers* const before_;  // only held, for reachability
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    size_t idle_ = 0;
};

// Never destroyed: idle workers may still wait on it while the process exits. A forked child
// has none of its parent's threads (and the mutex may have been held at the fork), so it gets
// workers of its own.
CallWorkers& call_workers() {
    static std::atomic<CallWorkers*> workers{nullptr};
    CallWorkers* current = workers.load(std::memory_order_acquire);
    if (current && current->owner_pid() == ::getpid()) return *current;
    auto* fresh = new CallWorkers(current);
    if (workers.compare_exchange_strong(current, fresh, std::memory_order_acq_rel)) return *fresh;
    delete fresh;  // another thread installed this process's workers first
    return *current;
}

// Most sends of a flush are short (an in-process sink, a plugin that queues): sleeping on the
// condition variable and being woken again was most of their round trip on the worker
// (bench BM_BoundedCall_RoundTrip). The caller first polls for a short while, yielding its
// core so the worker can run on it, then blocks.
bool spin_until_returned(const std::atomic<bool>& returned, Deadline give_up) {
    constexpr auto kSpinFor = std::chrono::microseconds(30);
    const auto stop = std::min(Clock::now() + kSpinFor, give_up);
    for (unsigned polls = 0;; ++polls) {
        if (returned.load(std::memory_order_acquire)) return true;
        if ((polls & 63) == 63) {
            if (Clock::now() >= stop) return false;
            std::this_thread::yield();
        }
    }
}

}  // namespace

bool run_bounded(std::function<void()> call, Deadline give_up) {
    auto pending = std::make_shared<PendingCall>();
    auto shared_call = std::make_shared<std::function<void()>>(std::move(call));
    const bool started = call_workers().run([pending, shared_call]() mutable {
        (*shared_call)();
        // Released before the caller learns it returned: what the call captured is then
        // destroyed on the caller's thread, as when the worker was joined.
        shared_call.reset();
        pending->returned.store(true, std::memory_order_release);
        std::lock_guard lock(pending->mutex);
        pending->finished.notify_all();
    });
    if (!started) {
        (*shared_call)();
        return true;
    }
    if (spin_until_returned(pending->returned, give_up)) return true;
    std::unique_lock lock(pending->mutex);
    // Not done by then: it keeps running on its worker and owns what it uses; see
    // abandon_forever for the objects it calls.
    return pending->finished.wait_until(lock, give_up,
                                        [&] { return pending->returned.load(std::memory_order_acquire); });
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
