#include "store/ticket_store.h"

#include "store/sql.h"

namespace store {
namespace {

constexpr const char* kLinkColumns =
    "channel, thread_ts, ticket_key, ticket_id, web_url, summary, status, status_category, confirmation_ts, "
    "created_at_ms, last_comment_id, last_updated_ms, sync_stopped";

LinkRecord ReadLink(const Statement& row) {
  return LinkRecord{row.Text(0), row.Text(1), row.Text(2), row.Text(3),  row.Text(4),  row.Text(5),
                    row.Text(6), row.Text(7), row.Text(8), row.Int(9), row.Text(10), row.Int(11),
                    row.Int(12) != 0};
}

std::string LinkQuery(const char* where) { return std::string("SELECT ") + kLinkColumns + " FROM links " + where; }

}  // namespace

util::Status TicketStore::SaveMention(const MentionRecord& m) {
  Statement insert(store_,
                   "INSERT OR REPLACE INTO mentions(channel, thread_ts, mention_ts, user_id, summary, description, "
                   "recorded_at_ms, files) VALUES(?,?,?,?,?,?,?,?)",
                   "save mention");
  return insert
      .BindAll(m.channel, m.thread_ts, m.mention_ts, m.user_id, m.summary, m.description, m.recorded_at_ms, m.files)
      .Run();
}

util::Result<std::optional<MentionRecord>> TicketStore::FindMention(const std::string& channel,
                                                                  const std::string& thread_ts) {
  Statement select(store_,
                   "SELECT channel, thread_ts, mention_ts, user_id, summary, description, recorded_at_ms, files "
                   "FROM mentions WHERE channel = ? AND thread_ts = ?",
                   "find mention");
  return select.BindAll(channel, thread_ts).First([](const Statement& row) {
    return MentionRecord{row.Text(0), row.Text(1), row.Text(2), row.Text(3),
                         row.Text(4), row.Text(5), row.Int(6),  row.Text(7)};
  });
}

util::Result<bool> TicketStore::InsertLink(const LinkRecord& l) {
  Statement insert(store_,
                   "INSERT OR IGNORE INTO links(channel, thread_ts, ticket_key, ticket_id, web_url, summary, status, "
                   "status_category, confirmation_ts, created_at_ms) VALUES(?,?,?,?,?,?,?,?,?,?)",
                   "insert link");
  return insert
      .BindAll(l.channel, l.thread_ts, l.ticket_key, l.ticket_id, l.web_url, l.summary, l.status, l.status_category,
               l.confirmation_ts, l.created_at_ms)
      .RunChanges()
      .map([](int rows) { return rows == 1; });
}

util::Result<std::optional<LinkRecord>> TicketStore::FindLinkByThread(const std::string& channel,
                                                                    const std::string& thread_ts) {
  std::string sql = LinkQuery("WHERE channel = ? AND thread_ts = ?");
  return Statement(store_, sql.c_str(), "find link by thread").BindAll(channel, thread_ts).First(ReadLink);
}

util::Result<std::optional<LinkRecord>> TicketStore::FindLinkByTicket(const std::string& ticket_key) {
  std::string sql = LinkQuery("WHERE ticket_key = ?");
  return Statement(store_, sql.c_str(), "find link by ticket").BindAll(ticket_key).First(ReadLink);
}

util::Result<std::vector<LinkRecord>> TicketStore::AllLinks() {
  std::string sql = LinkQuery("ORDER BY created_at_ms");
  return Statement(store_, sql.c_str(), "list links").All(ReadLink);
}

util::Status TicketStore::SetConfirmationTs(const std::string& ticket_key, const std::string& ts) {
  Statement update(store_, "UPDATE links SET confirmation_ts = ? WHERE ticket_key = ?", "set confirmation ts");
  return update.BindAll(ts, ticket_key).Run();
}

util::Status TicketStore::SetStatus(const std::string& ticket_key, const std::string& status,
                                    const std::string& category) {
  Statement update(store_, "UPDATE links SET status = ?, status_category = ? WHERE ticket_key = ?", "set status");
  return update.BindAll(status, category, ticket_key).Run();
}

util::Status TicketStore::SetSyncPosition(const std::string& ticket_key, const std::string& last_comment_id,
                                          long long last_updated_ms) {
  Statement update(store_, "UPDATE links SET last_comment_id = ?, last_updated_ms = ? WHERE ticket_key = ?",
                   "set sync position");
  return update.BindAll(last_comment_id, last_updated_ms, ticket_key).Run();
}

util::Status TicketStore::HoldReply(const std::string& channel, const std::string& thread_ts, const HeldReply& reply,
                                    long long now_ms) {
  Statement insert(store_,
                   "INSERT OR IGNORE INTO held_replies(channel, thread_ts, key, kind, payload, held_at_ms) "
                   "VALUES(?,?,?,?,?,?)",
                   "hold reply");
  return insert.BindAll(channel, thread_ts, reply.key, reply.kind, reply.payload, now_ms).Run();
}

util::Result<std::vector<HeldReply>> TicketStore::HeldReplies(const std::string& channel,
                                                              const std::string& thread_ts) {
  Statement select(store_,
                   "SELECT key, kind, payload FROM held_replies WHERE channel = ? AND thread_ts = ? ORDER BY id",
                   "held replies");
  return select.BindAll(channel, thread_ts).All([](const Statement& row) {
    return HeldReply{row.Text(0), row.Text(1), row.Text(2)};
  });
}

util::Status TicketStore::ReleaseHeldReplies(const std::string& channel, const std::string& thread_ts) {
  Statement remove(store_, "DELETE FROM held_replies WHERE channel = ? AND thread_ts = ?", "release held replies");
  return remove.BindAll(channel, thread_ts).Run();
}

util::Status TicketStore::SetSyncStopped(const std::string& ticket_key, bool stopped) {
  Statement update(store_, "UPDATE links SET sync_stopped = ? WHERE ticket_key = ?", "set sync stopped");
  return update.BindAll(stopped ? 1LL : 0LL, ticket_key).Run();
}

util::Status TicketStore::SetReplyComment(const std::string& channel, const std::string& ts,
                                         const std::string& ticket_key, const std::string& comment_id) {
  Statement upsert(store_,
                   "INSERT OR REPLACE INTO reply_comments(channel, ts, ticket_key, comment_id) VALUES(?,?,?,?)",
                   "set reply comment");
  return upsert.BindAll(channel, ts, ticket_key, comment_id).Run();
}

util::Result<std::string> TicketStore::ReplyComment(const std::string& channel, const std::string& ts) {
  Statement select(store_, "SELECT comment_id FROM reply_comments WHERE channel = ? AND ts = ?", "reply comment");
  return select.BindAll(channel, ts).FirstOr(std::string(), [](const Statement& row) { return row.Text(0); });
}

util::Status TicketStore::SetRelay(const std::string& ticket_key, const Relay& relay) {
  Statement upsert(store_,
                   "INSERT OR REPLACE INTO relays(ticket_key, comment_id, updated_ms, posts, deleted, agent) "
                   "VALUES(?,?,?,?,?,?)",
                   "set relay");
  return upsert
      .BindAll(ticket_key, relay.comment_id, relay.updated_ms, relay.posts, relay.deleted ? 1LL : 0LL, relay.agent)
      .Run();
}

util::Result<std::vector<TicketStore::Relay>> TicketStore::Relays(const std::string& ticket_key) {
  Statement select(store_, "SELECT comment_id, updated_ms, posts, deleted, agent FROM relays WHERE ticket_key = ?",
                   "relays of a ticket");
  return select.BindAll(ticket_key).All([](const Statement& row) {
    return Relay{row.Text(0), row.Int(1), row.Text(2), row.Int(3) != 0, row.Text(4)};
  });
}

util::Result<std::string> TicketStore::GetState(const std::string& name) {
  Statement select(store_, "SELECT value FROM sync_state WHERE name = ?", "get sync state");
  return select.BindAll(name).FirstOr(std::string(), [](const Statement& row) { return row.Text(0); });
}

util::Status TicketStore::SetState(const std::string& name, const std::string& value) {
  Statement upsert(store_, "INSERT OR REPLACE INTO sync_state(name, value) VALUES(?, ?)", "set sync state");
  return upsert.BindAll(name, value).Run();
}

}  // namespace store
