// SPDX-License-Identifier: MIT
// Datadog sites and the seed's region names.
#pragma once

#include <string>

namespace overt::datadog {

// Logs intake v2 URL for a site ("datadoghq.eu") or region alias ("eu1"); throws
// sdk::ConfigError naming the accepted values for anything else.
std::string intake_url_for_site(const std::string& site_or_region);

}  // namespace overt::datadog
