// The subset of JQL the fake Jira understands, parsed for real: clauses
// joined by AND, an optional ORDER BY. Anything outside the subset is an
// error (the fake answers 400 with it), never silently ignored. Pure, any thread.
#pragma once

#include <string>
#include <vector>

namespace fake {

// `<field> <op> <instant>`: op is one of = > >= < <=.
struct JqlTimeBound {
  std::string field;  // "updated" or "created"
  std::string op;
  long long epoch_ms = 0;
};

struct JqlSort {
  std::string field;  // "updated", "created" or "key"
  bool ascending = true;
};

struct JqlQuery {
  std::vector<std::vector<std::string>> project_sets;  // each `project = X` / `project in (...)` (keys or ids)
  std::vector<std::vector<std::string>> key_sets;  // each `key in (...)` / `key = X`, upper case
  std::vector<JqlTimeBound> time_bounds;
  std::vector<std::string> text_terms;  // each `text ~ "..."`
  std::vector<JqlSort> order_by;

  // Jira's /search/jql refuses queries without a restriction; the fake counts
  // only project and key restrictions as one.
  bool Bounded() const { return !project_sets.empty() || !key_sets.empty(); }
};

struct JqlParse {
  bool ok = false;
  JqlQuery query;
  std::string error;  // Jira-style message when !ok
};

// Parses `text`. Quoted date literals ("yyyy/MM/dd HH:mm", "yyyy-MM-dd HH:mm",
// "yyyy/MM/dd", "yyyy-MM-dd") are read as wall-clock time in `time_zone`
// (the searching account's profile zone) with minute granularity; relative
// periods ("-5m", "-2h", "-1d", "-1w") count back from `now_ms` floored to
// the minute; bare integers are absolute epoch milliseconds.
JqlParse ParseJql(const std::string& text, const std::string& time_zone, long long now_ms);

}  // namespace fake
