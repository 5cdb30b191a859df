// SPDX-License-Identifier: MIT
// make_http_service: an HttpService that loads the transport module on its first post().
#include "transport/http_service.hpp"
#include "transport/transport_module.hpp"

#include <exception>
#include <mutex>
#include <utility>

namespace overt::transport {
namespace {

class LazyHttpService final : public HttpService {
   public:
    explicit LazyHttpService(HttpServiceOptions options) : options_(std::move(options)) {}

    HttpResponse post(const HttpRequest& request) override {
        std::call_once(created_, [this] { create(); });
        if (!service_) {
            HttpResponse response;
            response.transport_error = true;
            response.error = "HTTP transport unavailable: " + error_;
            return response;
        }
        return service_->post(request);
    }

   private:
    void create() noexcept {
        try {
            const LoadedTransportModule& loaded = transport_module();
            if (!loaded.module) {
                error_ = loaded.error;
                return;
            }
            service_ = loaded.module->make_http_service(options_);
            if (!service_) error_ = "module " + loaded.path + " created no service";
        } catch (const std::exception& e) {
            error_ = e.what();
        }
    }

    HttpServiceOptions options_;
    std::once_flag created_;
    std::shared_ptr<HttpService> service_;
    std::string error_;
};

}  // namespace

std::shared_ptr<HttpService> make_http_service(const HttpServiceOptions& options) {
    return std::make_shared<LazyHttpService>(options);
}

}  // namespace overt::transport
