// SPDX-License-Identifier: MIT
// A process-wide watcher of every call into plugin code. overt-sender's worker reports each
// call to its supervisor, so a plugin that kills the worker can be named afterwards. Unset
// (the default) it costs one atomic load per call.
#pragma once

#include <string_view>

namespace overt::plugin {

enum class PluginCall { load, create, describe, send, flush, destroy, validate };

// "load", "create", ... as shown to users ("killed by SIGSEGV in send()").
const char* call_name(PluginCall call) noexcept;

// Called on the calling thread just before (`entering` true) and just after each call into
// plugin code. Must be quick, must not throw, and may be called from several threads at once.
using CallObserver = void (*)(bool entering, std::string_view backend_id, PluginCall call,
                              std::string_view library_path) noexcept;

// nullptr removes the observer.
void set_call_observer(CallObserver observer) noexcept;

// Reports the call's start on construction and its end on destruction (a call that never
// returns never reports its end: that is the point).
class ObservedCall {
   public:
    ObservedCall(std::string_view backend_id, PluginCall call, std::string_view library_path) noexcept;
    ~ObservedCall();
    ObservedCall(const ObservedCall&) = delete;
    ObservedCall& operator=(const ObservedCall&) = delete;

   private:
    CallObserver observer_;
    std::string_view backend_id_;
    PluginCall call_;
    std::string_view library_path_;
};

}  // namespace overt::plugin
