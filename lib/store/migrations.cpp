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

}  // namespace

const std::vector<Migration>& Migrations() {
  // Append new steps here, one line each; the position is the version - 1.
  static const std::vector<Migration> kMigrations = {
      {"inbox and dedupe keys", kInboxV1},
  };
  return kMigrations;
}

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

}  // namespace store
