// SPDX-License-Identifier: MIT
// One overt event as a PostHog capture batch item.
#pragma once

#include <overt/backend.h>

#include <string>
#include <string_view>

namespace overt::posthog {

struct ItemOptions {
    std::string lib_version;              // $lib_version
    bool disable_geoip = true;            // $geoip_disable: no location derived from the sender's IP
    bool process_person_profile = false;  // false: anonymous machine ids never become person profiles
};

// The OS as PostHog's own libraries spell $os ("Linux", "Mac OS X", "Windows"); others as given.
std::string posthog_os_name(std::string_view os);

// {"event","distinct_id","uuid","timestamp","properties"}; metadata never overwrites the
// standard properties (a colliding key is sent as "metadata.<key>").
std::string encode_batch_item(const overt_event& event, const ItemOptions& options);

}  // namespace overt::posthog
