// An in-memory helpdesk::Helpdesk for fast in-process tests of the app: no
// server, no markup, no clock of its own beyond an injectable one. It
// records every call (HelpdeskCall, in order) so tests can assert on what
// the app asked, and can be scripted to fail: the next N calls of a method
// answer a given util::Error, before or after their effect (the latter is a
// create or comment whose answer was lost: the app must reconcile).
//
// Tickets are keyed "HD-1", "HD-2", …; comment ids are "1", "2", …
// increasing across tickets; the comment cursor is opaque ("after:<id>")
// so a test catches an app that reads it. Customers are known by e-mail
// (AddCustomer). FindCreatedTicket finds a ticket by its marker; with a
// search lag set it behaves like a lagging index. Tests play the agent with
// AddAgentComment and SetStatus.
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "helpdesk/helpdesk.h"

namespace fake {

// One call the app made.
struct HelpdeskCall {
  std::string method;  // "CreateTicket", "CommentsAfter", … (the Helpdesk method's name)
  std::string key;     // the ticket key, when the call names one
  std::string marker;  // the marker, when the call carries one
  // The rest as text: the summary (CreateTicket), the e-mail (FindCustomer),
  // the cursor (CommentsAfter), the body as plain text (AddPublicComment),
  // "since=<ms> keys=A,B" (ChangedSince), "attempted=<ms> now=<ms>"
  // (FindCreatedTicket).
  std::string detail;
  bool failed = false;  // a scripted failure answered it

  bool operator==(const HelpdeskCall& other) const {
    return method == other.method && key == other.key && marker == other.marker && detail == other.detail &&
           failed == other.failed;
  }
};

struct FakeComment {
  helpdesk::Comment comment;
  std::string marker;  // AddPublicComment's marker; "" for the agents' comments
};

struct FakeTicket {
  helpdesk::Ticket ticket;
  bridge::RichText description;
  std::string marker;
  std::string on_behalf_of;
  bridge::RequestTarget target;            // as the create named it
  std::vector<bridge::FieldValue> fields;  // the request type's other fields, as sent
  long long created_ms = 0;
  long long updated_ms = 0;
  std::vector<FakeComment> comments;  // oldest first
};

class FakeHelpdesk : public helpdesk::Helpdesk {
 public:
  static constexpr const char* kBotId = "fake-bot";
  static constexpr const char* kBotName = "slackdesk bot";

  FakeHelpdesk();

  // --- Helpdesk ---------------------------------------------------------------
  std::string Name() const override;  // "fake"
  util::Result<helpdesk::Identity> WhoAmI() override;
  std::vector<helpdesk::CheckLine> Check() override;  // recorded, never fails; SetCheckLines
  util::Result<std::optional<std::string>> FindCustomer(const std::string& email) override;
  // The type SetRequestType gave for the target (an empty target: the one
  // with empty ids); default: a summary (required) and a description.
  util::Result<bridge::RequestType> RequestTypeForm(const bridge::RequestTarget& target) override;
  util::Result<helpdesk::Ticket> CreateTicket(const helpdesk::NewTicket& ticket) override;
  util::Result<std::optional<helpdesk::Ticket>> FindCreatedTicket(const std::string& marker, long long attempted_at_ms,
                                                                  long long now_ms) override;
  util::Result<std::vector<helpdesk::TicketChange>> ChangedSince(long long since_ms,
                                                               const std::vector<std::string>& keys) override;
  long long UpdatedResolutionMs() const override;
  util::Result<helpdesk::CommentPage> CommentsAfter(const std::string& key,
                                                    const helpdesk::CommentCursor& cursor) override;
  util::Result<helpdesk::Comment> AddPublicComment(const std::string& key, const bridge::RichText& body,
                                                   const std::string& marker) override;
  util::Result<std::optional<helpdesk::Comment>> FindCommentByMarker(const std::string& key,
                                                                    const std::string& marker) override;
  // "https://fake.test/<key>#comment-<id>".
  std::string CommentUrl(const std::string& key, const std::string& comment_id) const override;

  // --- Scripting --------------------------------------------------------------
  // The next `times` calls of `method` (a Helpdesk method's name) answer
  // `error`. With `after_effect`, CreateTicket and AddPublicComment do
  // their work first (the ticket or comment exists) and still answer it.
  void FailNext(const std::string& method, util::Error error, int times = 1, bool after_effect = false);
  // The next `times` calls of `method` throw std::runtime_error (as a
  // library might at a hostile answer), before any effect; recorded as failed.
  void ThrowNext(const std::string& method, int times = 1);
  // Epoch milliseconds for created/updated stamps; default: the wall clock.
  void SetClock(std::function<long long()> now_ms);
  // Tickets' `updated` in ticks of `ms` (RT: 1000, whole seconds), as
  // UpdatedResolutionMs says. Default 1.
  void SetUpdatedResolution(long long ms);
  // A ticket becomes visible to FindCreatedTicket `lag_ms` after its
  // creation (compared with the call's now_ms). Not found while
  // now_ms - attempted_at_ms < lag_ms: a kTimeout error with
  // retry_after_ms set, as a lagging search answers. Default 0.
  void SetSearchLag(long long lag_ms);
  // Calls of `method` (FindCustomer, CreateTicket) take `delay` to answer
  // after doing their work, as a slow server's do.
  void SetDelay(const std::string& method, std::chrono::milliseconds delay);
  void SetIdentity(helpdesk::Identity identity);
  void SetCheckLines(std::vector<helpdesk::CheckLine> lines);
  // What RequestTypeForm answers for type.target.
  void SetRequestType(bridge::RequestType type);
  // A customer FindCustomer knows (e-mail compared ignoring ASCII case);
  // returns its account id ("customer:<n>").
  std::string AddCustomer(const std::string& email);

  // --- Playing the agent --------------------------------------------------------
  // A comment by an agent named `author_name` (author_id "agent:<name>");
  // bumps the ticket's updated time. Returns its id, "" for an unknown key.
  std::string AddAgentComment(const std::string& key, const std::string& author_name, const bridge::RichText& body,
                              bool is_public);
  // Bumps the ticket's updated time. False for an unknown key.
  bool SetStatus(const std::string& key, const helpdesk::TicketStatus& status);

  // --- Observation ----------------------------------------------------------------
  std::vector<HelpdeskCall> Calls() const;
  // Calls of `method` ("" = any).
  int CountCalls(const std::string& method) const;
  void ClearCalls();
  // Returns once at least `count` calls of `method` ("" = any) were made, or
  // false after `timeout`.
  bool WaitForCalls(const std::string& method, int count,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) const;
  std::vector<FakeTicket> Tickets() const;  // in creation order
  std::optional<FakeTicket> Ticket(const std::string& key) const;

 private:
  // Records the call; the scripted failure for it, if one is due.
  std::optional<util::Error> Record(HelpdeskCall call, bool* after_effect);
  int CountLocked(const std::string& method) const;
  FakeTicket* Find(const std::string& key);
  long long Now() const;
  long long UpdatedStamp() const;  // Now() in ticks of updated_resolution_ms_
  void Delay(const std::string& method) const;
  std::string AddComment(FakeTicket& ticket, helpdesk::Comment comment, std::string marker);

  struct Failure {
    util::Error error;
    int times = 0;
    bool after_effect = false;
  };

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::function<long long()> now_ms_;
  long long search_lag_ms_ = 0;
  long long updated_resolution_ms_ = 1;
  helpdesk::Identity identity_;
  std::vector<helpdesk::CheckLine> check_lines_;
  std::map<std::pair<std::string, std::string>, bridge::RequestType> request_types_;  // by (desk, type)
  std::map<std::string, std::string> customers_;                                      // lower-case e-mail -> account id
  std::vector<FakeTicket> tickets_;
  long long next_comment_id_ = 1;
  std::map<std::string, Failure> failures_;                  // by method
  std::map<std::string, std::chrono::milliseconds> delays_;  // by method
  std::map<std::string, int> throws_;                        // by method: how many more calls throw
  std::vector<HelpdeskCall> calls_;
};

}  // namespace fake
