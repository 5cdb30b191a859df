// SPDX-License-Identifier: MIT
#include "plugin/quarantine_list.hpp"

#include <mutex>

namespace overt::plugin {
namespace {

struct QuarantineList {
    std::mutex mutex;
    std::map<std::string, std::string> reasons;
};

QuarantineList& quarantine_list() {
    static QuarantineList* instance = new QuarantineList;  // never destroyed: read at any exit
    return *instance;
}

}  // namespace

void set_quarantined_backends(std::map<std::string, std::string> reasons) {
    std::lock_guard lock(quarantine_list().mutex);
    quarantine_list().reasons = std::move(reasons);
}

std::optional<std::string> quarantine_reason(const std::string& backend_id) {
    std::lock_guard lock(quarantine_list().mutex);
    auto found = quarantine_list().reasons.find(backend_id);
    if (found == quarantine_list().reasons.end()) return std::nullopt;
    return found->second;
}

}  // namespace overt::plugin
