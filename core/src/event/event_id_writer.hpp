// SPDX-License-Identifier: MIT
// A new event id written straight into an event's own (what generate_event_id returns, with
// no copy of it made on the hot path).
#pragma once

#include <overt/event.hpp>

namespace overt {

void assign_new_event_id(EventId& id) noexcept;

}  // namespace overt
