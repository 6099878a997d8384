#include "store/migrations.h"

namespace store {
namespace {

// Version 1: the inbox of envelopes recorded before their ack, and the keys
// that recognise Slack's retries and duplicate deliveries. dedupe_keys has
// no foreign key on purpose: keys outlive the inbox rows they came with.
constexpr const char* kInboxV1 = R"sql(
PRAGMA application_id = 1397508932;  -- kApplicationId, 0x534C4B44 "SLKD"
CREATE TABLE inbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  envelope_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0
);
-- Only pending rows are indexed, so the index stays as small as the backlog.
CREATE INDEX inbox_pending ON inbox(id) WHERE done = 0;
CREATE TABLE dedupe_keys(
  key TEXT PRIMARY KEY,
  inbox_id INTEGER,
  recorded_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2: the ticket flow. `mentions` keeps what a customer wrote so the
// form can be pre-filled the moment they click; `links` ties a Slack thread
// to its ticket; `outbox` holds every side effect as an intent that is
// committed before it is carried out (design-notes.md). An outbox row is
// pending (0), attempted with its outcome unknown (1), done (2) or failed
// (3); rows of one lane run strictly in order.
constexpr const char* kTicketFlowV2 = R"sql(
CREATE TABLE mentions(
  channel TEXT NOT NULL,
  thread_ts TEXT NOT NULL,
  mention_ts TEXT NOT NULL,
  user_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  description TEXT NOT NULL,
  recorded_at_ms INTEGER NOT NULL,
  PRIMARY KEY(channel, thread_ts)
) WITHOUT ROWID;
CREATE TABLE links(
  channel TEXT NOT NULL,
  thread_ts TEXT NOT NULL,
  ticket_key TEXT NOT NULL UNIQUE,
  ticket_id TEXT NOT NULL,
  web_url TEXT NOT NULL,
  summary TEXT NOT NULL,
  status TEXT NOT NULL,
  status_category TEXT NOT NULL,
  confirmation_ts TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY(channel, thread_ts)
) WITHOUT ROWID;
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  lane TEXT NOT NULL,
  payload TEXT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before_ms INTEGER NOT NULL DEFAULT 0,
  attempted_at_ms INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX outbox_open ON outbox(lane, id) WHERE state < 2;
)sql";

// Version 3: two-way sync. Each link remembers the newest comment already
// handled and the ticket's `updated` time last seen; `sync_state` keeps the
// poll watermark (never ahead of what a search actually returned).
constexpr const char* kSyncV3 = R"sql(
ALTER TABLE links ADD COLUMN last_comment_id TEXT NOT NULL DEFAULT '';
ALTER TABLE links ADD COLUMN last_updated_ms INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sync_state(
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Version 4: every hot query costs the same whatever the history and the
// backlog. `outbox_lanes` keeps each lane's head (its lowest open intent)
// and when it may run (`due_ms`: when it became due, later after a retry's
// backoff, or kRunning while a worker has it), so finding due work and the
// next wake-up are index searches instead of a MIN per lane over every open
// intent. Pruning finds old rows through indexes on their time.
constexpr const char* kFlatV4 = R"sql(
CREATE TABLE outbox_lanes(
  lane TEXT PRIMARY KEY,
  head_id INTEGER NOT NULL,
  due_ms INTEGER NOT NULL,
  open_count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX outbox_lanes_due ON outbox_lanes(due_ms);
INSERT INTO outbox_lanes(lane, head_id, due_ms, open_count)
  SELECT lane, MIN(id), 0, COUNT(*) FROM outbox WHERE state < 2 GROUP BY lane;
UPDATE outbox_lanes SET due_ms =
  (SELECT MAX(o.not_before_ms, o.created_at_ms) FROM outbox o WHERE o.id = outbox_lanes.head_id);
CREATE INDEX outbox_finished ON outbox(created_at_ms) WHERE state >= 2;
CREATE INDEX inbox_done_received ON inbox(received_at_ms) WHERE done = 1;
CREATE INDEX dedupe_keys_recorded ON dedupe_keys(recorded_at_ms);
)sql";

// Version 5: replies written in a thread while its ticket is still being
// raised (its create queued, e.g. while the helpdesk is down) are kept
// here, in the order written, until the ticket exists and they become its
// comments.
constexpr const char* kHeldRepliesV5 = R"sql(
CREATE TABLE held_replies(
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  thread_ts TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  held_at_ms INTEGER NOT NULL
);
CREATE INDEX held_replies_thread ON held_replies(channel, thread_ts, id);
)sql";

// Version 6: a link whose channel left allowed_channels (a SIGHUP) stops
// syncing; the flag keeps that its thread was told, so it is told once,
// also across restarts.
constexpr const char* kSyncStoppedV6 = R"sql(
ALTER TABLE links ADD COLUMN sync_stopped INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 7: the files shared with a mention (a JSON list), copied to the
// ticket its form raises.
constexpr const char* kMentionFilesV7 = R"sql(
ALTER TABLE mentions ADD COLUMN files TEXT NOT NULL DEFAULT '';
)sql";

// Version 8: the helpdesk comment each synced Slack reply became last (its
// reply's comment, then each edit's), so an edit links to the comment it
// replaces. Pruned with nothing: one short row per synced reply.
constexpr const char* kReplyCommentsV8 = R"sql(
CREATE TABLE reply_comments(
  channel TEXT NOT NULL,
  ts TEXT NOT NULL,
  ticket_key TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  PRIMARY KEY(channel, ts)
) WITHOUT ROWID;
)sql";

// Version 9: the Slack posts of each relayed agent comment and the version
// (`updated_ms`) they show, so an edit or deletion in the helpdesk updates
// them in place. `posts` is their ts values joined by ','.
constexpr const char* kRelaysV9 = R"sql(
CREATE TABLE relays(
  ticket_key TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  updated_ms INTEGER NOT NULL,
  posts TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  agent TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(ticket_key, comment_id)
) WITHOUT ROWID;
)sql";

}  // namespace

const std::vector<Migration>& Migrations() {
  // Append new steps here, one line each; the position is the version - 1.
  static const std::vector<Migration> kMigrations = {
      {"inbox and dedupe keys", kInboxV1},
      {"mentions, ticket links and the outbox", kTicketFlowV2},
      {"sync positions and the poll watermark", kSyncV3},
      {"lane heads and time indexes: costs that do not grow with history", kFlatV4},
      {"replies kept while their ticket is queued", kHeldRepliesV5},
      {"links remember that their sync stopped", kSyncStoppedV6},
      {"the files shared with a mention", kMentionFilesV7},
      {"the comment each synced reply became", kReplyCommentsV8},
      {"the posts of each relayed comment", kRelaysV9},
  };
  return kMigrations;
}

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

}  // namespace store
