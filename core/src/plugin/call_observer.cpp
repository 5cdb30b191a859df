// SPDX-License-Identifier: MIT
#include "plugin/call_observer.hpp"

#include <atomic>

namespace overt::plugin {
namespace {

std::atomic<CallObserver> current_observer{nullptr};

}  // namespace

const char* call_name(PluginCall call) noexcept {
    switch (call) {
        case PluginCall::load: return "load";
        case PluginCall::create: return "create";
        case PluginCall::describe: return "describe";
        case PluginCall::send: return "send";
        case PluginCall::flush: return "flush";
        case PluginCall::destroy: return "destroy";
        case PluginCall::validate: return "validate";
    }
    return "unknown";
}

void set_call_observer(CallObserver observer) noexcept { current_observer.store(observer); }

ObservedCall::ObservedCall(std::string_view backend_id, PluginCall call, std::string_view library_path) noexcept
    : observer_(current_observer.load(std::memory_order_acquire)),
      backend_id_(backend_id),
      call_(call),
      library_path_(library_path) {
    if (observer_) observer_(true, backend_id_, call_, library_path_);
}

ObservedCall::~ObservedCall() {
    if (observer_) observer_(false, backend_id_, call_, library_path_);
}

}  // namespace overt::plugin
