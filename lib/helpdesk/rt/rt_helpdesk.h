// Helpdesk over Request Tracker 5's REST2 (<rt_url>/REST/2.0), through
// RtTransport (token auth, retries). Tickets live in one queue (rt_queue);
// a ticket's id is RT's number ("12"), its key that number as RT shows
// it ("#12"); methods taking a key accept both. Bodies are text/plain
// on the wire and bridge::RichText at the interface (rt_text.h). Public
// replies are Correspondence (mailed to the requestors), internal notes are
// Comments and never reach Slack. Thread-safe: worker threads call it
// concurrently; a call blocks its thread while it waits or retries.
//
// What RT cannot do that JSM can: no request types or portal forms (the
// form is summary and description only), no customer portal link by
// default (web_url is the agent page, Ticket/Display.html), no full-text
// search (the idempotency marker lives in the rt_marker_field custom
// field, which an admin must create), no rate limits to honour.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "helpdesk/helpdesk.h"
#include "helpdesk/rt/rt_transport.h"
#include "helpdesk/rt/rt_wire.h"
#include "util/http/http_client.h"

namespace helpdesk::rt {

// The one form RT offers: summary (RT's Subject, at most 200 characters)
// and description, whatever target it is asked for.
bridge::RequestType RtForm(const bridge::RequestTarget& target, const std::string& queue);

class RtHelpdesk : public Helpdesk {
 public:
  // `http` must outlive this object.
  RtHelpdesk(util::http::HttpClient& http, RtOptions options);

  // "rt".
  std::string Name() const override;
  // The user rt_token belongs to: REST2 has no "me" endpoint, but a user
  // may read its own history, found with TransactionSQL's
  // __CurrentUser__, whose ObjectId is the user's id; then GET /user/:id.
  // Identity.id is the user's Name, as transactions name their Creator.
  // Read once and kept.
  util::Result<Identity> WhoAmI() override;
  // "rt user (rt_url, rt_token)", then "rt queue (rt_queue)" (GET
  // /queue/:name), then "rt marker field (rt_marker_field)": the ticket
  // custom field applied to the queue, failing with how to create it.
  std::vector<CheckLine> Check() override;
  // RT creates an unknown requestor from its address, so every well-formed
  // e-mail is a customer: the address itself.
  util::Result<std::optional<std::string>> FindCustomer(const std::string& email) override;
  // RtForm: RT has no request types. No request.
  util::Result<bridge::RequestType> RequestTypeForm(const bridge::RequestTarget& target) override;
  // POST /ticket in rt_queue with Requestor (on_behalf_of), Subject, the
  // description as text/plain and CustomFields {rt_marker_field: marker};
  // then, as RT answers 201 while silently ignoring an unknown custom field
  // or requestor, reads the ticket back: a marker or requestor that did not
  // stick is logged (an error, a warning) and the ticket returned, as it
  // exists. Not repeated after an unknown outcome.
  util::Result<Ticket> CreateTicket(const NewTicket& ticket) override;
  // GET /tickets?query=Queue = 'Q' AND CF.{field} = 'marker'. RT's search
  // is the database itself, without an index to lag: not found is certain.
  util::Result<std::optional<Ticket>> FindCreatedTicket(const std::string& marker, long long attempted_at_ms,
                                                        long long now_ms) override;
  // GET /ticket/:id. Not part of Helpdesk.
  util::Result<WireTicket> GetTicket(const std::string& key);
  // GET /tickets for the queue's tickets updated since a day before
  // `since_ms` (rt_wire.h says why), paged until an empty page (RT pages
  // may be short and its totals null), keeping those among `keys` whose
  // LastUpdated is at or after since_ms, with their status.
  util::Result<std::vector<TicketChange>> ChangedSince(long long since_ms,
                                                       const std::vector<std::string>& keys) override;
  // LastUpdated has whole seconds.
  long long UpdatedResolutionMs() const override { return 1000; }
  // The cursor is the id of the last transaction read ("" = none). The
  // page carries the public messages' files (CommentPage::attachments).
  // TransactionSQL `ObjectType = 'RT::Ticket' AND ObjectId = N AND id > C`
  // in id order, paged until an empty page; each Correspond is a public
  // comment and each Comment an internal one, their text read from the
  // transaction's text/plain part. `next` is the greatest transaction id
  // seen, whatever its type (status changes move it too).
  util::Result<CommentPage> CommentsAfter(const std::string& key, const CommentCursor& cursor) override;
  // POST /ticket/:id/correspond with the body as text/plain and the marker
  // line (rt_text.h); the new transaction's id from the Location header.
  // Not repeated after an unknown outcome.
  util::Result<Comment> AddPublicComment(const std::string& key, const bridge::RichText& body,
                                         const std::string& marker) override;
  // The bot's own Correspondence on the ticket, newest first (at most
  // max_marker_reads), read until one ends with the marker line.
  util::Result<std::optional<Comment>> FindCommentByMarker(const std::string& key, const std::string& marker) override;
  // The ticket's display page at the transaction: RT's history anchors
  // each transaction as txn-<id>.
  std::string CommentUrl(const std::string& key, const std::string& comment_id) const override;
  // GET /ticket/:id: not resolved, rejected or deleted: kAlreadyOpen (RT's
  // default scrip "On Correspond Open Inactive Tickets" reopens a ticket
  // on the correspondence a reply makes). Otherwise PUT {"Status":"open"}
  // (the default lifecycle allows it from each of them) and read back: a
  // bot without ModifyTicket (the admin guide does not ask for it), or a
  // custom lifecycle that refuses, keeps the status: kNotAllowed.
  util::Result<Reopening> ReopenTicket(const std::string& key) override;

  // --- files from Slack (rt_attachments.cpp) ---------------------------------
  // RT does not say its limit over REST2, and by default stores any size:
  // slackdesk copies files up to RT's default $MaxAttachmentSize, 10 MiB,
  // the value an admin who sets $DropLongAttachments (silently dropped) or
  // $TruncateLongAttachments (cut short) has in mind.
  util::Result<long long> AttachmentLimit() override;
  // RT has no temporary uploads: the file is kept open (a duplicate of its
  // descriptor; nothing is copied) until AttachFiles sends it. An empty
  // file is refused here, as RT answers 400 for an attachment without
  // content, which would refuse the whole reply.
  util::Result<std::string> UploadFile(const std::string& key, const Upload& file) override;
  // One POST /ticket/:id/correspond as multipart/form-data: the note (with
  // its marker line) in the JSON part, each file an Attachments part,
  // streamed from its file. The files are let go whatever the outcome.
  util::Status AttachFiles(const std::string& key, const std::vector<std::string>& upload_ids,
                           const bridge::RichText& note, const std::string& marker) override;
  // The files ride in the correspondence that carries the marker.
  util::Result<bool> FindAttachedByMarker(const std::string& key, const std::string& marker) override;

  // --- files to Slack (rt_attachments.cpp) -----------------------------------
  // Not asked by the poller (CommentsAfter's page carries the files).
  // The files (MIME parts with a name) of the ticket's public messages
  // (Correspond, Create) created at or after `since_ms`, oldest first: the
  // ticket's transactions walked newest first until an older one, then
  // each message's parts (one request per message, as CommentsAfter reads
  // its text). Files of Comments are internal: never listed.
  util::Result<std::vector<Attachment>> AttachmentsSince(const std::string& key, long long since_ms) override;
  // GET /attachment/:id into `into`, then decoded there in place
  // (ContentDecoder; the decoded bytes never overtake the base64 still to
  // be read), so memory holds one chunk whatever the size.
  util::Result<Fetched> FetchAttachment(const std::string& key, const std::string& id, long long limit,
                                        util::TempFile& into) override;

  ~RtHelpdesk() override;

 private:
  // A file UploadFile took, waiting for AttachFiles.
  struct Staged {
    std::string name;
    std::string mime_type;
    int fd = -1;  // owned
    long long size = 0;
    util::TimePoint taken_at;
  };
  // Takes the staged files `ids` out of staged_ (the caller closes them);
  // nullopt when one is unknown.
  std::optional<std::vector<Staged>> TakeStaged(const std::vector<std::string>& ids);

  Ticket ToTicket(const WireTicket& wire) const;
  // A message's text and its files.
  struct Message {
    std::string text;
    std::vector<WireAttachment> files;  // parts with a file name, without content
  };
  // Transaction `id`'s parts with their content in one request; when a
  // large file makes that answer too large, the parts without content, then
  // the text part alone (MessageTextPart).
  util::Result<Message> ReadMessage(long long id, const std::string& operation);
  // Walks the pages of a transaction search; `visit` returns true to stop.
  util::Status WalkTransactions(const std::string& query, const std::string& order, const std::string& operation,
                                const std::function<bool(const WireTransaction&)>& visit);
  // Whether the ticket read back has `requestor` among its requestors
  // (by Name, else by the e-mail of each requestor's user record).
  util::Result<bool> HasRequestor(const WireTicket& ticket, const std::string& requestor, const std::string& operation);

  const RtOptions options_;
  RtTransport transport_;
  std::mutex mutex_;
  std::optional<Identity> identity_;  // guarded by mutex_: once known
  // Guarded by mutex_. Ids grow, so the first is the oldest: files never
  // attached (a failure between the two steps, after which the next try
  // uploads them again) are closed once more than kMaxStaged wait or they
  // have waited kMaxStagedFor.
  std::map<long long, Staged> staged_;
  long long next_staged_ = 1;
};

}  // namespace helpdesk::rt
