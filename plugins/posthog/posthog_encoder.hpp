// One overt event as a PostHog capture batch item.
#pragma once

#include <overt/backend.h>

#include <string>

namespace overt::posthog {

// {"event","distinct_id","uuid","timestamp","properties"}; metadata never overwrites the
// standard properties (a colliding key is sent as "metadata.<key>").
std::string encode_batch_item(const overt_event& event, const std::string& lib_version);

}  // namespace overt::posthog
