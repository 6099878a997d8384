// The Request Tracker 5 REST2 wire format, pure: query strings and request
// bodies built from values, response bodies mapped to small structs. No I/O
// and no clock, so every function is tested from literal strings
// (helpdesk-facts.md sections C and C2 have the shapes). Every parser takes
// an untrusted body: the depth is bounded by json::Parse, a wrong shape is a
// kServerError naming what was expected, never a crash.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdesk/helpdesk.h"
#include "util/error.h"

namespace helpdesk::rt {

// --- Queries ------------------------------------------------------------------
// TicketSQL and TransactionSQL go in the query string (`/tickets` has no
// JSON form: a JSON POST silently finds nothing). Every value written into
// them is a number, the queue, the marker field's name (config refuses
// quotes, backslashes and braces in both) or a marker (letters and digits).

// Whether `marker` may be written into a query: 1..64 letters, digits, '-'.
bool IsSafeMarker(std::string_view marker);
// Whether `key` is a ticket id as RT makes them: 1..18 decimal digits.
bool IsTicketId(std::string_view key);
// A ticket's key, as people write it in RT: "#12".
std::string KeyOf(const std::string& ticket_id);
// The ticket id a key names ("#12" or "12"); nullopt for anything else.
std::optional<std::string> IdOfKey(std::string_view key);
// `Queue = 'Q' AND CF.{field} = 'marker'`.
std::string MarkerQuery(const std::string& queue, const std::string& field, const std::string& marker);
// `Queue = 'Q' AND LastUpdated >= 'YYYY-MM-DD HH:MM:SS'`, the date a day
// before `since_ms` in UTC: RT reads a date in the bot user's time zone,
// which slackdesk does not know, so the window is widened by more than any
// offset and the caller keeps what LastUpdated (UTC) says is new enough.
std::string ChangedSinceQuery(const std::string& queue, long long since_ms);
// `ObjectType = 'RT::Ticket' AND ObjectId = N AND id > C`.
std::string TicketTransactionsQuery(const std::string& ticket_id, long long after_id);
// The ticket's correspondence by `bot_name` (FindCommentByMarker); without
// the Creator clause when the name holds a quote or a backslash.
std::string OwnCorrespondenceQuery(const std::string& ticket_id, const std::string& bot_name);
// `YYYY-MM-DD HH:MM:SS` in UTC, as TicketSQL reads a date (an ISO date with
// a 'T' is read as midnight).
std::string SqlDate(long long epoch_ms);

// POST /ticket.
std::string CreateTicketBody(const std::string& queue, const std::string& requestor, const std::string& subject,
                             const std::string& content, const std::string& marker_field, const std::string& marker);
// POST /ticket/:id/correspond, text/plain.
std::string CorrespondBody(const std::string& content);

// --- Answers ------------------------------------------------------------------
// One item of a collection page (`items`): RT lists an item it will not
// show as null, and pages may be short for a user who cannot see all, so
// callers page on until an empty one.
struct Page {
  size_t items = 0;  // how many entries the page had, nulls included
};

struct WireUser {
  std::string id;  // the numeric id
  std::string name;
  std::string email;
  std::string real_name;
  std::string time_zone;
};
// GET /user/:id.
util::Result<WireUser> ParseUser(std::string_view body);

struct WireQueue {
  std::string id;
  std::string name;
  bool disabled = false;
  // The ticket custom fields applied to the queue that the user may see
  // (SeeCustomField): the queue's TicketCustomFields. REST2's
  // /queue/:id/customfields lists only the queue's own fields.
  std::vector<std::string> ticket_custom_fields;
};
// GET /queue/:name.
util::Result<WireQueue> ParseQueue(std::string_view body);

// POST /ticket: {"id": "20", "type": "ticket", …}.
util::Result<std::string> ParseCreatedId(std::string_view body);
// The id at the end of a Location header ".../transaction/123"; nullopt
// when it names no number.
std::optional<std::string> IdFromLocation(std::string_view location, std::string_view type);

struct WireTicket {
  std::string id;
  std::string subject;
  std::string status;
  long long last_updated_ms = 0;
  std::vector<std::string> requestors;     // user ids as RT lists them (a Name, often the e-mail)
  std::vector<std::string> marker_values;  // of the custom field asked for
};
// GET /ticket/:id; `marker_field` is the custom field whose values to keep
// (names compared ignoring case, as RT does).
util::Result<WireTicket> ParseTicket(std::string_view body, const std::string& marker_field);

// GET /tickets?fields=Status,LastUpdated,Subject: the tickets of one page.
util::Result<std::vector<WireTicket>> ParseTicketPage(std::string_view body, Page* page);

struct WireTransaction {
  long long id = 0;
  std::string type;  // Create, Correspond, Comment, Status, Set, …
  std::string field;
  std::string new_value;
  std::string creator_name;
  std::string creator_real_name;
  long long created_ms = 0;
  std::string object_id;  // the ticket's (or user's) id
};
// GET /transactions?fields=Type,Field,NewValue,Created,Creator
// &fields[Creator]=Name,RealName: one page. Items without a numeric id are
// skipped.
util::Result<std::vector<WireTransaction>> ParseTransactionPage(std::string_view body, Page* page);

// --- Files (the decoder: rt_wire_files.cpp) ---------------------------------
// A MIME part of one of the ticket's messages; a file when it has a name.
struct WireAttachment {
  std::string id;
  long long transaction_id = 0;
  std::string filename;  // "" for the message's own parts
  std::string content_type;
  long long size = 0;  // ContentLength
  long long created_ms = 0;
  std::string creator_name;
  std::string creator_real_name;
  std::string content;  // when asked for (fields=…,Content): as the list gives it, raw
};
// GET /transaction/:id/attachments?fields=Filename,ContentType,
// ContentLength,TransactionId,Created,Creator&fields[Creator]=Name,RealName:
// one page. Items without a numeric id or transaction are skipped.
util::Result<std::vector<WireAttachment>> ParseAttachmentPage(std::string_view body, Page* page);

// A file of public message `message` as the core sees it: public, by the
// part's creator (else the message's), created when it was.
Attachment FileOfMessage(const WireAttachment& part, const WireTransaction& message);
// A message's text part among its parts (ParseAttachmentPage): the first
// text/plain part that is not a file and has text (content that is not
// blank or, listed without content, a length); nullopt for an HTML-only or
// empty message. Listed without content (a file part can be megabytes),
// its text is then read alone (ParseAttachmentContent).
std::optional<WireAttachment> MessageTextPart(const std::vector<WireAttachment>& parts);
// GET /attachment/:id of a message's text part: its Content, decoded.
util::Result<std::string> ParseAttachmentContent(std::string_view body);

// GET /attachment/:id answers one JSON object whose "Content" member is the
// file base64-encoded (REST2's Attachment.pm), a third larger than the file
// and far larger than any other answer. This reads it as it arrives, one
// chunk at a time: a small JSON lexer finds the top-level "Content" member
// and decodes its base64 (RT's "\n" line breaks skipped) as it goes, so a
// large file is never whole in memory.
class ContentDecoder {
 public:
  // Appends the bytes `chunk` decodes to into `out`; false once the body
  // cannot be such an answer (Error() says why), and from then on.
  bool Feed(std::string_view chunk, std::string& out);
  // Whether the whole Content string was read.
  bool Done() const { return state_ == State::kDone; }
  const std::string& Error() const { return error_; }

 private:
  enum class State { kScan, kAwaitColon, kAwaitValue, kValue, kValueEscape, kDone, kFailed };
  bool Fail(std::string why);
  bool Decode(char ch, std::string& out);

  State state_ = State::kScan;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  std::string key_;          // the string being read outside the value, up to 8 characters
  bool key_usable_ = false;  // no escape in it and not longer than 8
  bool key_at_top_ = false;  // it started at depth 1
  unsigned int bits_ = 0;    // base64 bits not yet written
  int bit_count_ = 0;
  bool padded_ = false;
  std::string error_;
};

// The human message of an error body: {"message": "..."} or RT's array of
// messages ["...", "..."] joined with "; ", else what
// jira::ErrorMessageFromBody finds (a gateway's page). "" when none.
std::string ErrorMessage(std::string_view body);

// --- Statuses -----------------------------------------------------------------
// RT's default lifecycle: new → kNew; open, stalled → kInProgress;
// resolved, rejected, deleted → kDone; any other (a custom lifecycle's)
// status is kUnknown. The label is RT's name.
TicketStatus StatusFromRt(const std::string& status);

}  // namespace helpdesk::rt
