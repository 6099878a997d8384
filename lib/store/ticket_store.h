// The ticket flow's tables: what a customer wrote when they mentioned the
// bot (to pre-fill the form) and which Slack thread belongs to which ticket.
// Same thread rule as Store: only the thread that opened it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace store {

struct MentionRecord {
  std::string channel;
  std::string thread_ts;
  std::string mention_ts;
  std::string user_id;
  std::string summary;      // the form's pre-filled summary
  std::string description;  // the form's pre-filled description
  long long recorded_at_ms = 0;
  std::string files{};  // shared with the mention, as a JSON list ("" none)
};

struct LinkRecord {
  std::string channel;
  std::string thread_ts;
  std::string ticket_key;
  std::string ticket_id;
  std::string web_url;
  std::string summary;
  std::string status;
  std::string status_category;
  std::string confirmation_ts;  // the bot's confirmation message, once posted
  long long created_at_ms = 0;
  std::string last_comment_id;  // newest ticket comment already handled ("" none)
  long long last_updated_ms = 0;  // the ticket's `updated` when last synced
  bool sync_stopped = false;      // its channel left allowed_channels and the thread was told
};

// A reply kept until its thread's ticket exists: an encoded comment intent.
struct HeldReply {
  std::string key;  // the comment's idempotency key: a redelivered reply is kept once
  std::string kind;
  std::string payload;
};

class TicketStore {
 public:
  // `store` must outlive this object.
  explicit TicketStore(Store& store) : store_(store) {}

  // Keeps the latest mention of a thread (a later mention replaces it).
  util::Status SaveMention(const MentionRecord& mention);
  util::Result<std::optional<MentionRecord>> FindMention(const std::string& channel, const std::string& thread_ts);

  // Inserts the link; a thread or ticket already linked is left as it was
  // (returns false then).
  util::Result<bool> InsertLink(const LinkRecord& link);
  util::Result<std::optional<LinkRecord>> FindLinkByThread(const std::string& channel, const std::string& thread_ts);
  util::Result<std::optional<LinkRecord>> FindLinkByTicket(const std::string& ticket_key);
  util::Result<std::vector<LinkRecord>> AllLinks();
  util::Status SetConfirmationTs(const std::string& ticket_key, const std::string& ts);
  util::Status SetStatus(const std::string& ticket_key, const std::string& status, const std::string& category);
  // Records how far the sync has read a ticket.
  util::Status SetSyncPosition(const std::string& ticket_key, const std::string& last_comment_id,
                               long long last_updated_ms);
  // Records that the sync of a ticket stopped (or resumed).
  util::Status SetSyncStopped(const std::string& ticket_key, bool stopped);

  // Keeps a reply of the thread (channel, thread_ts) until its ticket
  // exists; one with a key kept already is left as it was.
  util::Status HoldReply(const std::string& channel, const std::string& thread_ts, const HeldReply& reply,
                         long long now_ms);
  // The thread's kept replies, in the order written.
  util::Result<std::vector<HeldReply>> HeldReplies(const std::string& channel, const std::string& thread_ts);
  util::Status ReleaseHeldReplies(const std::string& channel, const std::string& thread_ts);

  // The helpdesk comment the Slack message (channel, ts) became last;
  // replaces the one kept before.
  util::Status SetReplyComment(const std::string& channel, const std::string& ts, const std::string& ticket_key,
                               const std::string& comment_id);
  // "" when none is kept.
  util::Result<std::string> ReplyComment(const std::string& channel, const std::string& ts);

  // The Slack posts of a relayed comment and the version they show.
  struct Relay {
    std::string comment_id;
    long long updated_ms = 0;
    std::string posts;  // ts values joined by ','
    bool deleted = false;
    std::string agent;  // who wrote the comment
  };
  // Replaces what was kept for (ticket_key, relay.comment_id).
  util::Status SetRelay(const std::string& ticket_key, const Relay& relay);
  util::Result<std::vector<Relay>> Relays(const std::string& ticket_key);

  // Small named values of the sync (the poll watermark); "" when unset.
  util::Result<std::string> GetState(const std::string& name);
  util::Status SetState(const std::string& name, const std::string& value);

 private:
  Store& store_;
};

}  // namespace store
