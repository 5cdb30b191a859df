// SPDX-License-Identifier: MIT
#include "datadog_site.hpp"

#include <overt/backend.hpp>

#include <array>
#include <utility>

namespace overt::datadog {
namespace {

constexpr std::array<std::pair<const char*, const char*>, 7> kRegions = {{
    {"us1", "datadoghq.com"},
    {"us3", "us3.datadoghq.com"},
    {"us5", "us5.datadoghq.com"},
    {"eu1", "datadoghq.eu"},
    {"ap1", "ap1.datadoghq.com"},
    {"ap2", "ap2.datadoghq.com"},
    {"gov", "ddog-gov.com"},
}};

}  // namespace

std::string intake_url_for_site(const std::string& site_or_region) {
    for (const auto& [region, site] : kRegions) {
        if (site_or_region == region || site_or_region == site)
            return std::string("https://http-intake.logs.") + site + "/api/v2/logs";
    }
    std::string known;
    for (const auto& [region, site] : kRegions) known += std::string(known.empty() ? "" : ", ") + site + " (" + region + ")";
    throw sdk::ConfigError("'site' is '" + site_or_region + "', not a Datadog site; use one of " + known +
                           ", or set 'endpoint'");
}

}  // namespace overt::datadog
