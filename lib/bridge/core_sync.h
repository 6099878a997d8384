// The core's helpdesk side, split from core.cpp by concern: what the
// sync's activity on a linked ticket and a reopen lead to. Private to
// lib/bridge (core.cpp dispatches to it).
#pragma once

#include <vector>

#include "bridge/core.h"

namespace bridge {

// Told once in the thread of a linked ticket whose channel left
// allowed_channels (core.cpp).
std::vector<Action> StopSync(const Facts& facts);
std::vector<Action> OnActivity(const TicketActivity& activity, const Facts& facts);
std::vector<Action> OnReopened(const TicketReopened& reopened, const Facts& facts);

}  // namespace bridge
