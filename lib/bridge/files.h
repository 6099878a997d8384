// Files shared in Slack on their way to the helpdesk (issue 14, item 1):
// what the core knows of a file, which ones are worth copying, and the one
// line that says why a file was not copied, the same in the thread and in
// the helpdesk. Pure.
#pragma once

#include <string>
#include <vector>

#include "bridge/equality.h"

namespace bridge {

// A file shared with a message, as the event describes it
// (files-and-edits.md §1.1).
struct SharedFile {
  std::string name;
  std::string permalink;
  std::string id{};        // "F…"
  std::string url{};       // url_private_download, else url_private; "" for a stub (no contents offered)
  std::string mimetype{};  // may be missing until Slack's scan finishes
  long long size = 0;      // bytes, as Slack says
  auto Fields() const { return std::tie(name, permalink, id, url, mimetype, size); }
};

// A file that did not reach the helpdesk and why. `reason` empty: it is
// larger than the helpdesk takes (`size` over `limit`).
struct NotCopied {
  std::string name;
  long long size = 0;
  long long limit = 0;
  std::string reason{};
  auto Fields() const { return std::tie(name, size, limit, reason); }
};

// A file attached to a linked ticket, as the helpdesk lists it (issue 14,
// item 2): on its way to the Slack thread when public and not ours.
struct HelpdeskAttachment {
  std::string id;  // opaque, the backend's
  std::string name;
  std::string mime_type{};
  long long size = 0;  // bytes, as the helpdesk says
  std::string author_id{};
  std::string author_name{};
  bool is_public = false;  // false: internal, never shown in Slack
  long long created_ms = 0;
  auto Fields() const { return std::tie(id, name, mime_type, size, author_id, author_name, is_public, created_ms); }
};

// "42 MB", "10.4 MB", "512 KB", "900 bytes": sizes as people read them
// (1 MB = 2^20 bytes, as Jira states its limits), cut rather than rounded
// up, so a file just over a limit never reads as the limit.
std::string FormatSize(long long bytes);

// "report.iso not copied: 42 MB, limit 10 MB", or with the reason instead
// of the sizes. The name is outside text: each renderer escapes it.
std::string NotCopiedLine(const NotCopied& file);

// Whether the event offered the file's contents: a stub (Slack Connect's
// file_access, a tombstone, a file hidden by the plan's limit) has no URL.
bool HasContents(const SharedFile& file);

}  // namespace bridge
