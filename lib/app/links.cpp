#include "app/links.h"

#include "util/strings.h"

namespace app {

std::string CategoryName(bridge::StatusCategory category) {
  switch (category) {
    case bridge::StatusCategory::kNew:
      return "new";
    case bridge::StatusCategory::kInProgress:
      return "indeterminate";
    case bridge::StatusCategory::kDone:
      return "done";
    case bridge::StatusCategory::kUnknown:
      break;
  }
  return "undefined";
}

bridge::StatusCategory CategoryFromName(const std::string& name) {
  if (name == "new") return bridge::StatusCategory::kNew;
  if (name == "indeterminate") return bridge::StatusCategory::kInProgress;
  if (name == "done") return bridge::StatusCategory::kDone;
  return bridge::StatusCategory::kUnknown;
}

bridge::TicketLink ToLink(const store::LinkRecord& r) {
  bridge::TicketLink link;
  link.thread = bridge::ThreadRef{r.channel, r.thread_ts};
  link.ticket_key = r.ticket_key;
  link.ticket_id = r.ticket_id;
  link.web_url = r.web_url;
  link.summary = r.summary;
  link.status = bridge::TicketStatus{CategoryFromName(r.status_category), r.status};
  link.confirmation_ts = r.confirmation_ts;
  link.comment_cursor = r.last_comment_id;
  link.last_updated_ms = r.last_updated_ms;
  link.sync_stopped = r.sync_stopped;
  return link;
}

store::LinkRecord ToRecord(const bridge::TicketLink& l, long long created_at_ms) {
  return store::LinkRecord{l.thread.channel,  l.thread.thread_ts, l.ticket_key,   l.ticket_id,
                           l.web_url,         l.summary,          l.status.label, CategoryName(l.status.category),
                           l.confirmation_ts, created_at_ms,      l.comment_cursor, l.last_updated_ms,
                           l.sync_stopped};
}

std::string JoinTs(const std::vector<std::string>& values) {
  std::string joined;
  for (const std::string& ts : values) joined += (joined.empty() ? "" : ",") + ts;
  return joined;
}

std::vector<std::string> SplitTs(const std::string& joined) {
  if (joined.empty()) return {};
  return util::Split(joined, ',');
}

}  // namespace app
