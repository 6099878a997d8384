// The store's link rows as the core's TicketLink and back, and the status
// category as stored (the names Jira's categories had when the column was
// made, so existing state files read the same).
#pragma once

#include <string>
#include <vector>

#include "bridge/ticket.h"
#include "store/ticket_store.h"

namespace app {

bridge::TicketLink ToLink(const store::LinkRecord& record);
store::LinkRecord ToRecord(const bridge::TicketLink& link, long long created_at_ms);

// Slack ts values as one stored text, joined by ',' (a ts has none); ""
// is none.
std::string JoinTs(const std::vector<std::string>& values);
std::vector<std::string> SplitTs(const std::string& joined);

std::string CategoryName(bridge::StatusCategory category);
bridge::StatusCategory CategoryFromName(const std::string& name);

}  // namespace app
