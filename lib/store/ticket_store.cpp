#include "store/ticket_store.h"

#include "store/sql.h"

namespace store {
namespace {

constexpr const char* kLinkColumns =
    "channel, thread_ts, ticket_key, ticket_id, web_url, summary, status, status_category, confirmation_ts, "
    "created_at_ms, last_comment_id, last_updated_ms";

LinkRecord ReadLink(const Statement& row) {
  return LinkRecord{row.Text(0), row.Text(1), row.Text(2), row.Text(3),  row.Text(4),  row.Text(5),
                    row.Text(6), row.Text(7), row.Text(8), row.Int(9), row.Text(10), row.Int(11)};
}

util::Result<std::optional<LinkRecord>> FindOneLink(sqlite3* db, const std::string& sql, const char* operation,
                                                   const std::vector<std::string>& args) {
  Statement select(db, sql.c_str(), operation);
  for (size_t i = 0; i < args.size(); ++i) select.Bind(static_cast<int>(i + 1), args[i]);
  std::optional<LinkRecord> found;
  if (select.Step()) found = ReadLink(select);
  if (auto status = select.Status(); !status) return tl::make_unexpected(status.error());
  return found;
}

}  // namespace

util::Status TicketStore::SaveMention(const MentionRecord& m) {
  Statement insert(db_,
                   "INSERT OR REPLACE INTO mentions(channel, thread_ts, mention_ts, user_id, summary, description, "
                   "recorded_at_ms) VALUES(?,?,?,?,?,?,?)",
                   "save mention");
  return insert.Bind(1, m.channel)
      .Bind(2, m.thread_ts)
      .Bind(3, m.mention_ts)
      .Bind(4, m.user_id)
      .Bind(5, m.summary)
      .Bind(6, m.description)
      .Bind(7, m.recorded_at_ms)
      .Run();
}

util::Result<std::optional<MentionRecord>> TicketStore::FindMention(const std::string& channel,
                                                                  const std::string& thread_ts) {
  Statement select(db_,
                   "SELECT channel, thread_ts, mention_ts, user_id, summary, description, recorded_at_ms "
                   "FROM mentions WHERE channel = ? AND thread_ts = ?",
                   "find mention");
  select.Bind(1, channel).Bind(2, thread_ts);
  std::optional<MentionRecord> found;
  if (select.Step()) {
    found = MentionRecord{select.Text(0), select.Text(1), select.Text(2), select.Text(3),
                          select.Text(4), select.Text(5), select.Int(6)};
  }
  if (auto status = select.Status(); !status) return tl::make_unexpected(status.error());
  return found;
}

util::Result<bool> TicketStore::InsertLink(const LinkRecord& l) {
  Statement insert(db_,
                   "INSERT OR IGNORE INTO links(channel, thread_ts, ticket_key, ticket_id, web_url, summary, status, "
                   "status_category, confirmation_ts, created_at_ms) VALUES(?,?,?,?,?,?,?,?,?,?)",
                   "insert link");
  auto status = insert.Bind(1, l.channel)
                    .Bind(2, l.thread_ts)
                    .Bind(3, l.ticket_key)
                    .Bind(4, l.ticket_id)
                    .Bind(5, l.web_url)
                    .Bind(6, l.summary)
                    .Bind(7, l.status)
                    .Bind(8, l.status_category)
                    .Bind(9, l.confirmation_ts)
                    .Bind(10, l.created_at_ms)
                    .Run();
  if (!status) return tl::make_unexpected(status.error());
  return ChangedRows(db_) == 1;
}

util::Result<std::optional<LinkRecord>> TicketStore::FindLinkByThread(const std::string& channel,
                                                                    const std::string& thread_ts) {
  return FindOneLink(db_, std::string("SELECT ") + kLinkColumns + " FROM links WHERE channel = ? AND thread_ts = ?",
                     "find link by thread", {channel, thread_ts});
}

util::Result<std::optional<LinkRecord>> TicketStore::FindLinkByTicket(const std::string& ticket_key) {
  return FindOneLink(db_, std::string("SELECT ") + kLinkColumns + " FROM links WHERE ticket_key = ?",
                     "find link by ticket", {ticket_key});
}

util::Result<std::vector<LinkRecord>> TicketStore::AllLinks() {
  std::string sql = std::string("SELECT ") + kLinkColumns + " FROM links ORDER BY created_at_ms";
  Statement select(db_, sql.c_str(), "list links");
  std::vector<LinkRecord> links;
  while (select.Step()) links.push_back(ReadLink(select));
  if (auto status = select.Status(); !status) return tl::make_unexpected(status.error());
  return links;
}

util::Status TicketStore::SetConfirmationTs(const std::string& ticket_key, const std::string& ts) {
  Statement update(db_, "UPDATE links SET confirmation_ts = ? WHERE ticket_key = ?", "set confirmation ts");
  return update.Bind(1, ts).Bind(2, ticket_key).Run();
}

util::Status TicketStore::SetStatus(const std::string& ticket_key, const std::string& status,
                                    const std::string& category) {
  Statement update(db_, "UPDATE links SET status = ?, status_category = ? WHERE ticket_key = ?", "set status");
  return update.Bind(1, status).Bind(2, category).Bind(3, ticket_key).Run();
}

util::Status TicketStore::SetSyncPosition(const std::string& ticket_key, const std::string& last_comment_id,
                                          long long last_updated_ms) {
  Statement update(db_, "UPDATE links SET last_comment_id = ?, last_updated_ms = ? WHERE ticket_key = ?",
                   "set sync position");
  return update.Bind(1, last_comment_id).Bind(2, last_updated_ms).Bind(3, ticket_key).Run();
}

util::Result<std::string> TicketStore::GetState(const std::string& name) {
  Statement select(db_, "SELECT value FROM sync_state WHERE name = ?", "get sync state");
  select.Bind(1, name);
  std::string value;
  if (select.Step()) value = select.Text(0);
  if (auto status = select.Status(); !status) return tl::make_unexpected(status.error());
  return value;
}

util::Status TicketStore::SetState(const std::string& name, const std::string& value) {
  Statement upsert(db_, "INSERT OR REPLACE INTO sync_state(name, value) VALUES(?, ?)", "set sync state");
  return upsert.Bind(1, name).Bind(2, value).Run();
}

}  // namespace store
