// The database schema as an ordered list of steps. Step i (0-based) takes a
// database from schema version i to i+1 (PRAGMA user_version). Steps are
// append-only: never edit one that has shipped; add a new one at the end.
#pragma once

#include <vector>

namespace store {

// PRAGMA application_id of every slackdesk database: "SLKD" in ASCII. The
// first step sets it, so a file is ours from its first committed version.
constexpr int kApplicationId = 0x534C4B44;

struct Migration {
  const char* name;  // for error messages: "migration 2 (ticket links)"
  const char* sql;   // one or more statements, run in one transaction
};

// All steps, oldest first. Tests also use it to build older databases.
const std::vector<Migration>& Migrations();

// The schema version a fully migrated database has: Migrations().size().
int LatestSchemaVersion();

}  // namespace store
