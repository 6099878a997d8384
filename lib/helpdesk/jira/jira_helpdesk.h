// Helpdesk over Jira Service Management's REST APIs (servicedeskapi for
// requests and customers, the platform API for search and comments),
// through JiraTransport (jira_transport.h: Basic auth or a Bearer token,
// retries, the rate-limit block). Cloud with an e-mail and API token; Data
// Center / Server with a personal access token, the deployment read once
// from serverInfo and consulted where the two differ (jira_deployment.h). Bodies are Jira wiki markup on the wire and
// bridge::RichText at the interface (wiki.h). Thread-safe: worker threads
// call it concurrently; a call blocks its thread while it waits or retries.
// Writes (create request, add comment) are not repeated after an unknown
// outcome: the caller reconciles with FindCreatedTicket /
// FindCommentByMarker.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "helpdesk/helpdesk.h"
#include "helpdesk/jira/jira_deployment.h"
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
  // GET myself; Identity.id is the accountId (Data Center: the user's key).
  // A Cloud sign-in answered 404 reads serverInfo: a Data Center site (no
  // /rest/api/3) is a kAuth error saying to set jira_personal_access_token.
  util::Result<Identity> WhoAmI() override;
  // "jira": which deployment serverInfo names at base_url, its version, and
  // the sign-in ("Data Center 10.3.13 at https://jira.example.internal
  // (personal access token)", "Cloud at https://x.atlassian.net (e-mail and
  // API token)"); failing when the credentials are the other deployment's.
  std::optional<CheckLine> CheckDeployment() override;
  // What `slackdesk check` prints for Jira:
  //   "jira /rest/api/3/myself (jira_email, jira_api_token)" (Data Center:
  //   "jira /rest/api/2/myself (jira_personal_access_token)"):
  //       "<display name> <<email>>, time zone <zone>", or the error;
  //   then, only when that passed, "jira service desk and request type":
  //       "service desk SUP (Support), request type 'Get IT help'", or the
  //       error, naming the wrong setting on a 404 ("jira_request_type_id 10
  //       not found in service desk 3 (…)").
  // Details are redacted (util::log::Redact) as the old printer did.
  std::vector<CheckLine> Check() override;
  // GET servicedesk/{id}/customer?query=<email> (experimental API; Data
  // Center: /rest/api/2/user/search?username=<email>): the customer whose
  // e-mail equals `email`, ignoring case, as raiseOnBehalfOf names them (an
  // accountId; on Data Center a username).
  util::Result<std::optional<std::string>> FindCustomer(const std::string& email) override;
  // GET servicedesk/{desk}/requesttype/{type} (its name) and its /field
  // (jira_fields.h). Remembers how each field's value is sent, for
  // CreateTicket.
  util::Result<bridge::RequestType> RequestTypeForm(const bridge::RequestTarget& target) override;
  // "raising on behalf of customers: type T in service desk D": "allowed",
  // or failing when the type's /field says canRaiseOnBehalfOf false (the
  // fix: make the bot's Jira user an agent of the desk); nothing when it
  // does not say. The same on Cloud and Data Center.
  std::vector<CheckLine> CheckRequestType(const bridge::RequestTarget& target) override;
  // POST /rest/servicedeskapi/request with the description rendered as wiki
  // markup. The marker is what FindCreatedTicket searches for: when the
  // rendered description does not mention it already, a last line
  // "*slackdesk reference:* <marker>" carries it. Not repeated after an
  // unknown outcome.
  util::Result<Ticket> CreateTicket(const NewTicket& ticket) override;
  // A search (/search/jql; Data Center /rest/api/2/search) for `text ~
  // marker` in the projects of the configured and
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
  // One paged search (as above) per at most keys_per_search keys: `key in (…) AND
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
  // every page; returns the comments whose ids are numerically greater than
  // the cursor, oldest first, bodies parsed from wiki markup,
  // written_by_slackdesk when they carry the slackdesk marker property, and
  // `current`: all of them with their `updated` (edits and deletions).
  // `next` is the greatest id seen (the cursor when none).
  util::Result<CommentPage> CommentsAfter(const std::string& key, const CommentCursor& cursor) override;
  // POST /rest/api/2/issue/{key}/comment with the body rendered as wiki
  // markup (cut to kMaxCommentChars plus kShortenedNote when longer), the
  // sd.public.comment {"internal":false} and slackdesk {"marker"}
  // properties. Not repeated after an unknown outcome.
  util::Result<Comment> AddPublicComment(const std::string& key, const bridge::RichText& body,
                                         const std::string& marker) override;
  // Pages the comments newest first for the slackdesk property `marker`.
  util::Result<std::optional<Comment>> FindCommentByMarker(const std::string& key, const std::string& marker) override;
  // The browse page focused on the comment, the link Jira's own
  // "Copy link to comment" gives on Cloud and Data Center alike:
  // <base_url>/browse/KEY?focusedCommentId=ID#comment-ID.
  std::string CommentUrl(const std::string& key, const std::string& comment_id) const override;

  // Files (jira_attachments.cpp; the same on Cloud and Data Center,
  // behind-the-firewall.md section 7). The deployment's default limit.
  util::Result<long long> AttachmentLimit() override;
  // POST servicedesk/{desk}/attachTemporaryFile (multipart, part `file`,
  // X-Atlassian-Token: no-check), streamed from `file.fd`, to the desk of
  // the key's project; the temporaryAttachmentId.
  util::Result<std::string> UploadFile(const std::string& key, const Upload& file) override;
  // POST request/{key}/attachment {temporaryAttachmentIds, public: true,
  // additionalComment: {body: the note as wiki markup, with the marker}}.
  // Not repeated after an unknown outcome.
  util::Status AttachFiles(const std::string& key, const std::vector<std::string>& upload_ids,
                           const bridge::RichText& note, const std::string& marker) override;
  // Pages the comments newest first for one whose body mentions `marker`.
  util::Result<bool> FindAttachedByMarker(const std::string& key, const std::string& marker) override;
  // Files to Slack (jira_attachments_out.cpp): servicedeskapi's attachment
  // list (no id, no visibility: the id from _links.jiraRest, internal when
  // an internal comment carries it), then the content endpoint.
  util::Result<std::vector<Attachment>> AttachmentsSince(const std::string& key, long long since_ms) override;
  util::Result<Fetched> FetchAttachment(const std::string& key, const std::string& id, long long limit,
                                        util::TempFile& into) override;

  // Workflow (jira_workflow.cpp). GET request/{key}: open already, done.
  // Otherwise GET /rest/api/2/issue/{key}/transitions and POST the first
  // leading to an in-progress status (else to a new one), then read the
  // status back; none, or a 400 (a validator, a required screen field):
  // kNotAllowed.
  util::Result<Reopening> ReopenTicket(const std::string& key) override;

 private:
  // Which deployment answers: Cloud for an e-mail and API token (nothing
  // asked); with a personal access token, serverInfo read once (a Cloud
  // site is a kAuth error, asked again next time).
  util::Result<Deployment> CurrentDeployment();
  util::Result<ServerInfo> ReadServerInfo();
  // How slackdesk signs in, for check lines: "personal access token".
  std::string SignIn() const;
  // The project key of service desk `desk_id`, read once and cached.
  util::Result<std::string> ProjectKeyOf(const std::string& desk_id);
  // The service desk whose project ticket `key` is in (the configured one
  // when none of the routed desks' projects matches).
  util::Result<std::string> DeskOfTicket(const std::string& key);
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
  std::optional<Deployment> deployment_;             // guarded by mutex_: once known
  std::map<std::string, std::string> project_keys_;  // guarded by mutex_: by service desk id
  // Guarded by mutex_: per (desk, type), each field's ValueShape.
  std::map<std::pair<std::string, std::string>, std::map<std::string, ValueShape>> shapes_;
};

// A comment as the interface carries it: the body parsed from wiki markup,
// written_by_slackdesk when it carries a marker.
Comment ToComment(const WireComment& wire);

}  // namespace helpdesk::jira
