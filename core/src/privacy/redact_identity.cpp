// SPDX-License-Identifier: MIT
#include "privacy/redact_identity.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "platform/user.hpp"

namespace overt::privacy {
namespace {

void add_home(Identity& identity, std::string home) {
    while (home.size() > 1 && (home.back() == '/' || home.back() == '\\')) home.pop_back();
    if (home.size() < 2 || !platform::is_absolute_path(home)) return;
    if (std::find(identity.home_dirs.begin(), identity.home_dirs.end(), home) == identity.home_dirs.end())
        identity.home_dirs.push_back(std::move(home));
}

void add_user(Identity& identity, std::string user) {
    if (user.size() < 3 || platform::is_system_account_name(user)) return;
    if (std::find(identity.user_names.begin(), identity.user_names.end(), user) == identity.user_names.end())
        identity.user_names.push_back(std::move(user));
}

std::atomic<const Identity*> g_identity{nullptr};
std::mutex g_identity_mutex;
std::vector<std::unique_ptr<const Identity>> g_identities;  // every identity ever published

const Identity* publish(Identity identity) {
    std::lock_guard lock(g_identity_mutex);
    g_identities.push_back(std::make_unique<const Identity>(std::move(identity)));
    g_identity.store(g_identities.back().get(), std::memory_order_release);
    return g_identities.back().get();
}

}  // namespace

Identity lookup_identity() {
    Identity identity;
    std::string environment_home, environment_user, account_home, account_user;
    platform::identity_sources(environment_home, environment_user, account_home, account_user);
    add_home(identity, environment_home);
    add_user(identity, environment_user);
    add_home(identity, account_home);
    add_user(identity, account_user);
    std::sort(identity.home_dirs.begin(), identity.home_dirs.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return identity;
}

const Identity& current_identity() {
    if (const Identity* identity = g_identity.load(std::memory_order_acquire)) return *identity;
    static std::once_flag once;
    std::call_once(once, [] {
        if (!g_identity.load(std::memory_order_acquire)) publish(lookup_identity());
    });
    return *g_identity.load(std::memory_order_acquire);
}

void set_identity_for_testing(Identity identity) { publish(std::move(identity)); }

}  // namespace overt::privacy
