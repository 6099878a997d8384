// Helpdesk over Jira Service Management Cloud's REST APIs (servicedeskapi
// for requests and customers, the platform API for search and comments),
// through JiraTransport (jira_transport.h: Basic auth, retries, the
// rate-limit block). Bodies are Jira wiki markup on the wire and
// bridge::RichText at the interface (wiki.h). Thread-safe: worker threads
// call it concurrently; a call blocks its thread while it waits or retries.
// Writes (create request, add comment) are not repeated after an unknown
// outcome: the caller reconciles with FindCreatedTicket /
// FindCommentByMarker.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "helpdesk/helpdesk.h"
#include "helpdesk/jira/jira_fields.h"
#include "helpdesk/jira/jira_json.h"
#include "helpdesk/jira/jira_transport.h"
#include "util/http/http_client.h"

namespace helpdesk::jira {

// Jira refuses comments over 32,767 characters; Slack allows 40,000.
// AddPublicComment cuts a longer body to this many characters (code points)
// and appends kShortenedNote, rather than lose the reply to a 400.
inline constexpr size_t kMaxCommentChars = 32000;
inline constexpr const char* kShortenedNote = "\n_(shortened: the full message is in the Slack thread)_";

class JiraHelpdesk : public Helpdesk {
 public:
  // `http` must outlive this object.
  JiraHelpdesk(util::http::HttpClient& http, JiraOptions options);

  // "jira".
  std::string Name() const override;
  // GET /rest/api/3/myself; Identity.id is the accountId.
  util::Result<Identity> WhoAmI() override;
  // What `slackdesk check` prints for Jira:
  //   "jira /rest/api/3/myself (jira_email, jira_api_token)":
  //       "<display name> <<email>>, time zone <zone>", or the error;
  //   then, only when that passed, "jira service desk and request type":
  //       "service desk SUP (Support), request type 'Get IT help'", or the
  //       error, naming the wrong setting on a 404 ("jira_request_type_id 10
  //       not found in service desk 3 (…)").
  // Details are redacted (util::log::Redact) as the old printer did.
  std::vector<CheckLine> Check() override;
  // GET servicedesk/{id}/customer?query=<email> (experimental API): the
  // customer whose e-mail equals `email`, ignoring case.
  util::Result<std::optional<std::string>> FindCustomer(const std::string& email) override;
  // GET servicedesk/{desk}/requesttype/{type} (its name) and its /field
  // (jira_fields.h). Remembers how each field's value is sent, for
  // CreateTicket.
  util::Result<bridge::RequestType> RequestTypeForm(const bridge::RequestTarget& target) override;
  // POST /rest/servicedeskapi/request with the description rendered as wiki
  // markup. The marker is what FindCreatedTicket searches for: when the
  // rendered description does not mention it already, a last line
  // "*slackdesk reference:* <marker>" carries it. Not repeated after an
  // unknown outcome.
  util::Result<Ticket> CreateTicket(const NewTicket& ticket) override;
  // /search/jql for `text ~ marker` in the projects of the configured and
  // routed desks (each key read once from its service desk and cached), then GET request/{key} for each
  // hit until one whose fields really carry `marker` (full-text search is
  // fuzzy). Not found while now_ms - attempted_at_ms <
  // search_lag_window_ms: a kTimeout error with retry_after_ms 2000, or
  // what is left of the window when less ("ticket search has not caught
  // up yet (marker X)"); not found after: nullopt.
  util::Result<std::optional<Ticket>> FindCreatedTicket(const std::string& marker, long long attempted_at_ms,
                                                        long long now_ms) override;
  // GET /rest/servicedeskapi/request/{key}. Not part of Helpdesk.
  util::Result<Ticket> GetTicket(const std::string& key);
  // One paged /search/jql per at most keys_per_search keys: `key in (…) AND
  // updated >= since_ms ORDER BY updated ASC, key ASC`. No request for no
  // keys. Keys that are not issue keys, and keys Jira says no longer exist
  // (the whole query is refused then), are left out with a warning. The
  // result is sorted by (updated_ms, key) and has each key once. An issue
  // whose `updated` cannot be read is reported with updated_ms = since_ms.
  // Paging is by offset on Jira's side: an issue updated mid-walk can push
  // another past the page boundary, so callers keep a lookback window.
  util::Result<std::vector<TicketChange>> ChangedSince(long long since_ms,
                                                       const std::vector<std::string>& keys) override;
  // The cursor is the id of the last comment handled ("" = none). GET
  // /rest/api/2/issue/{key}/comment?orderBy=-created&expand=properties,
  // paged until the cursor's comment or the end; returns the comments whose
  // ids are numerically greater than the cursor, oldest first, bodies parsed
  // from wiki markup, written_by_slackdesk when they carry the slackdesk
  // marker property. `next` is the greatest id seen (the cursor when none).
  // If the cursor's comment was deleted the whole history is read (and
  // filtered by id).
  util::Result<CommentPage> CommentsAfter(const std::string& key, const CommentCursor& cursor) override;
  // POST /rest/api/2/issue/{key}/comment with the body rendered as wiki
  // markup (cut to kMaxCommentChars plus kShortenedNote when longer), the
  // sd.public.comment {"internal":false} and slackdesk {"marker"}
  // properties. Not repeated after an unknown outcome.
  util::Result<Comment> AddPublicComment(const std::string& key, const bridge::RichText& body,
                                         const std::string& marker) override;
  // Pages the comments newest first for the slackdesk property `marker`.
  util::Result<std::optional<Comment>> FindCommentByMarker(const std::string& key, const std::string& marker) override;

 private:
  // The project key of service desk `desk_id`, read once and cached.
  util::Result<std::string> ProjectKeyOf(const std::string& desk_id);
  // The projects of every desk requests are raised in: the configured one
  // first, then the channel routes' (each key once).
  util::Result<std::vector<std::string>> ProjectKeys();
  // The service desk and request type, described for Check().
  util::Result<std::string> DescribeTarget();
  // `target` with the configured ids where it has none.
  bridge::RequestTarget Resolved(const bridge::RequestTarget& target) const;
  // How the fields of `target` are sent, as RequestTypeForm last read them
  // (read now when it never did; empty when that fails: each value is then
  // sent as its kind suggests).
  std::map<std::string, ValueShape> ShapesFor(const bridge::RequestTarget& target);
  util::Result<std::optional<Ticket>> FindTicketByMarker(const std::string& marker);
  util::Result<std::vector<TicketChange>> SearchChanges(long long since_ms, std::vector<std::string> keys,
                                                        const std::string& fixed_jql = {});
  // Walks the comment pages newest first; `visit` returns true to stop.
  util::Status WalkComments(const std::string& key, const std::string& operation,
                            const std::function<bool(const WireComment&)>& visit);

  const JiraOptions options_;
  JiraTransport transport_;
  std::mutex mutex_;
  std::map<std::string, std::string> project_keys_;  // guarded by mutex_: by service desk id
  // Guarded by mutex_: per (desk, type), each field's ValueShape.
  std::map<std::pair<std::string, std::string>, std::map<std::string, ValueShape>> shapes_;
};

// A comment as the interface carries it: the body parsed from wiki markup,
// written_by_slackdesk when it carries a marker.
Comment ToComment(const WireComment& wire);

}  // namespace helpdesk::jira
