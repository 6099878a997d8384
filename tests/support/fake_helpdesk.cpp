#include "fake_helpdesk.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "util/clock.h"
#include "util/strings.h"

namespace fake {
namespace {

constexpr const char* kCursorPrefix = "after:";
constexpr const char* kSite = "https://helpdesk.example";

util::Error NoTicket(const std::string& key) {
  return util::Error{util::ErrorCode::kRemoteRejected, fmt::format("fake helpdesk: no ticket {}", key)};
}

}  // namespace

FakeHelpdesk::FakeHelpdesk()
    : now_ms_([] { return util::WallMillisNow(); }),
      identity_{kBotId, kBotName, "bot@example.com", "UTC"},
      check_lines_{{true, "fake helpdesk", "reachable"}} {}

std::string FakeHelpdesk::Name() const { return "fake"; }

// --- Scripting and observation ----------------------------------------------------

void FakeHelpdesk::FailNext(const std::string& method, util::Error error, int times, bool after_effect) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_[method] = Failure{std::move(error), times, after_effect};
}

void FakeHelpdesk::ThrowNext(const std::string& method, int times) {
  std::lock_guard<std::mutex> lock(mutex_);
  throws_[method] = times;
}

void FakeHelpdesk::SetClock(std::function<long long()> now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  now_ms_ = std::move(now_ms);
}

void FakeHelpdesk::SetUpdatedResolution(long long ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  updated_resolution_ms_ = std::max(1LL, ms);
}

long long FakeHelpdesk::UpdatedResolutionMs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return updated_resolution_ms_;
}

void FakeHelpdesk::SetSearchLag(long long lag_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  search_lag_ms_ = lag_ms;
}

void FakeHelpdesk::SetIdentity(helpdesk::Identity identity) {
  std::lock_guard<std::mutex> lock(mutex_);
  identity_ = std::move(identity);
}

void FakeHelpdesk::SetCheckLines(std::vector<helpdesk::CheckLine> lines) {
  std::lock_guard<std::mutex> lock(mutex_);
  check_lines_ = std::move(lines);
}

std::string FakeHelpdesk::AddCustomer(const std::string& email) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string id = fmt::format("customer:{}", customers_.size() + 1);
  customers_[util::Lower(email)] = id;
  return id;
}

std::optional<util::Error> FakeHelpdesk::Record(HelpdeskCall call, bool* after_effect) {
  // Called with mutex_ held.
  std::optional<util::Error> error;
  auto failure = failures_.find(call.method);
  if (failure != failures_.end() && failure->second.times > 0) {
    error = failure->second.error;
    if (after_effect != nullptr) *after_effect = failure->second.after_effect;
    if (--failure->second.times == 0) failures_.erase(failure);
  }
  auto throwing = throws_.find(call.method);
  bool throws = throwing != throws_.end() && throwing->second-- > 0;
  call.failed = error.has_value() || throws;
  std::string method = call.method;
  calls_.push_back(std::move(call));
  changed_.notify_all();
  if (throws) throw std::runtime_error("scripted throw from " + method);
  return error;
}

int FakeHelpdesk::CountLocked(const std::string& method) const {
  return static_cast<int>(std::count_if(calls_.begin(), calls_.end(), [&](const HelpdeskCall& call) {
    return method.empty() || call.method == method;
  }));
}

std::vector<HelpdeskCall> FakeHelpdesk::Calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

int FakeHelpdesk::CountCalls(const std::string& method) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return CountLocked(method);
}

void FakeHelpdesk::ClearCalls() {
  std::lock_guard<std::mutex> lock(mutex_);
  calls_.clear();
}

bool FakeHelpdesk::WaitForCalls(const std::string& method, int count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return CountLocked(method) >= count; });
}

std::vector<FakeTicket> FakeHelpdesk::Tickets() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tickets_;
}

std::optional<FakeTicket> FakeHelpdesk::Ticket(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const FakeTicket& ticket : tickets_) {
    if (ticket.ticket.key == key) return ticket;
  }
  return std::nullopt;
}

FakeTicket* FakeHelpdesk::Find(const std::string& key) {
  for (FakeTicket& ticket : tickets_) {
    if (ticket.ticket.key == key) return &ticket;
  }
  return nullptr;
}

long long FakeHelpdesk::Now() const { return now_ms_(); }

long long FakeHelpdesk::UpdatedStamp() const { return Now() / updated_resolution_ms_ * updated_resolution_ms_; }

std::string FakeHelpdesk::AddComment(FakeTicket& ticket, helpdesk::Comment comment, std::string marker) {
  comment.id = std::to_string(next_comment_id_++);
  comment.created_ms = Now();
  ticket.updated_ms = UpdatedStamp();
  ticket.comments.push_back(FakeComment{comment, std::move(marker)});
  changed_.notify_all();
  return comment.id;
}

// --- Playing the agent ------------------------------------------------------------

std::string FakeHelpdesk::AddAgentComment(const std::string& key, const std::string& author_name,
                                          const bridge::RichText& body, bool is_public) {
  std::lock_guard<std::mutex> lock(mutex_);
  FakeTicket* ticket = Find(key);
  if (ticket == nullptr) return {};
  helpdesk::Comment comment;
  comment.author_id = "agent:" + author_name;
  comment.author_name = author_name;
  comment.body = body;
  comment.is_public = is_public;
  return AddComment(*ticket, std::move(comment), "");
}

bool FakeHelpdesk::SetStatus(const std::string& key, const helpdesk::TicketStatus& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  FakeTicket* ticket = Find(key);
  if (ticket == nullptr) return false;
  ticket->ticket.status = status;
  ticket->updated_ms = UpdatedStamp();
  changed_.notify_all();
  return true;
}

// --- Helpdesk -----------------------------------------------------------------------

util::Result<helpdesk::Identity> FakeHelpdesk::WhoAmI() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto error = Record({"WhoAmI", "", "", "", false}, nullptr)) return tl::make_unexpected(*error);
  return identity_;
}

void FakeHelpdesk::SetRequestType(bridge::RequestType type) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::pair<std::string, std::string> key{type.target.desk_id, type.target.type_id};
  request_types_[key] = std::move(type);
}

util::Result<bridge::RequestType> FakeHelpdesk::RequestTypeForm(const bridge::RequestTarget& target) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto error = Record({"RequestTypeForm", "", "", target.desk_id + "/" + target.type_id, false}, nullptr);
  if (error) return tl::make_unexpected(*error);
  auto known = request_types_.find({target.desk_id, target.type_id});
  if (known != request_types_.end()) return known->second;
  bridge::RequestType type{target, "Get help", {}};
  type.fields.push_back({bridge::kSummaryField, "Summary", bridge::FieldKind::kText, true, 255, {}, "string"});
  type.fields.push_back(
      {bridge::kDescriptionField, "Description", bridge::FieldKind::kParagraph, false, 0, {}, "string"});
  return type;
}

std::vector<helpdesk::CheckLine> FakeHelpdesk::Check() {
  std::lock_guard<std::mutex> lock(mutex_);
  Record({"Check", "", "", "", false}, nullptr);
  return check_lines_;
}

void FakeHelpdesk::SetDelay(const std::string& method, std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mutex_);
  delays_[method] = delay;
}

void FakeHelpdesk::Delay(const std::string& method) const {
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = delays_.find(method);
    if (found != delays_.end()) delay = found->second;
  }
  // A slow server, not synchronisation: the caller's worker waits as it would on the network.
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
}

util::Result<std::optional<std::string>> FakeHelpdesk::FindCustomer(const std::string& email) {
  auto answer = [&]() -> util::Result<std::optional<std::string>> {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto error = Record({"FindCustomer", "", "", email, false}, nullptr)) return tl::make_unexpected(*error);
    auto found = customers_.find(util::Lower(email));
    if (email.empty() || found == customers_.end()) return std::optional<std::string>();
    return std::optional<std::string>(found->second);
  }();
  Delay("FindCustomer");
  return answer;
}

util::Result<helpdesk::Ticket> FakeHelpdesk::CreateTicket(const helpdesk::NewTicket& ticket) {
  // Done at once, answered after the delay: a POST whose answer is slow.
  auto answer = [&]() -> util::Result<helpdesk::Ticket> {
    std::lock_guard<std::mutex> lock(mutex_);
    bool after_effect = false;
    auto error = Record({"CreateTicket", "", ticket.marker, ticket.summary, false}, &after_effect);
    if (error && !after_effect) return tl::make_unexpected(*error);
    FakeTicket created;
    size_t number = tickets_.size() + 1;
    created.ticket.id = std::to_string(number);
    created.ticket.key = fmt::format("HD-{}", number);
    created.ticket.summary = ticket.summary;
    created.ticket.status = helpdesk::TicketStatus{helpdesk::StatusCategory::kNew, "Waiting for support"};
    created.ticket.web_url = fmt::format("{}/portal/{}", kSite, created.ticket.key);
    created.ticket.agent_url = fmt::format("{}/agent/{}", kSite, created.ticket.key);
    created.description = ticket.description;
    created.marker = ticket.marker;
    created.on_behalf_of = ticket.on_behalf_of;
    created.target = ticket.target;
    created.fields = ticket.fields;
    created.created_ms = Now();
    created.updated_ms = UpdatedStamp();
    tickets_.push_back(created);
    changed_.notify_all();
    if (error) return tl::make_unexpected(*error);
    return created.ticket;
  }();
  Delay("CreateTicket");
  return answer;
}

util::Result<std::optional<helpdesk::Ticket>> FakeHelpdesk::FindCreatedTicket(const std::string& marker,
                                                                              long long attempted_at_ms,
                                                                              long long now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string detail = fmt::format("attempted={} now={}", attempted_at_ms, now_ms);
  if (auto error = Record({"FindCreatedTicket", "", marker, detail, false}, nullptr)) return tl::make_unexpected(*error);
  for (const FakeTicket& ticket : tickets_) {
    if (!marker.empty() && ticket.marker == marker && now_ms >= ticket.created_ms + search_lag_ms_) {
      return std::optional<helpdesk::Ticket>(ticket.ticket);
    }
  }
  long long window_left = attempted_at_ms + search_lag_ms_ - now_ms;
  if (window_left > 0) {
    // As a lagging search answers (jira_helpdesk.cpp): again in 2 s, or as the window ends.
    return util::MakeError(util::ErrorCode::kTimeout, "fake helpdesk: search has not caught up yet (marker " + marker + ")",
                           static_cast<long>(std::min<long long>(2000, window_left + 1)));
  }
  return std::optional<helpdesk::Ticket>();
}

util::Result<std::vector<helpdesk::TicketChange>> FakeHelpdesk::ChangedSince(long long since_ms,
                                                                            const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string list;
  for (const std::string& key : keys) list += (list.empty() ? "" : ",") + key;
  if (auto error = Record({"ChangedSince", "", "", fmt::format("since={} keys={}", since_ms, list), false}, nullptr)) {
    return tl::make_unexpected(*error);
  }
  std::vector<helpdesk::TicketChange> changes;
  for (const FakeTicket& ticket : tickets_) {
    bool asked = std::find(keys.begin(), keys.end(), ticket.ticket.key) != keys.end();
    if (asked && ticket.updated_ms >= since_ms) {
      changes.push_back({ticket.ticket.key, ticket.updated_ms, ticket.ticket.status});
    }
  }
  std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
    return a.updated_ms != b.updated_ms ? a.updated_ms < b.updated_ms : a.key < b.key;
  });
  return changes;
}

util::Result<helpdesk::CommentPage> FakeHelpdesk::CommentsAfter(const std::string& key,
                                                                const helpdesk::CommentCursor& cursor) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto error = Record({"CommentsAfter", key, "", cursor, false}, nullptr)) return tl::make_unexpected(*error);
  long long after = 0;
  if (!cursor.empty()) {
    // Only cursors this fake made are accepted: the app must pass them back untouched.
    if (!util::StartsWith(cursor, kCursorPrefix)) {
      return util::MakeError(util::ErrorCode::kInvalidInput, "fake helpdesk: not a cursor of mine: " + cursor);
    }
    after = std::atoll(cursor.c_str() + std::string(kCursorPrefix).size());
  }
  FakeTicket* ticket = Find(key);
  if (ticket == nullptr) return tl::make_unexpected(NoTicket(key));
  helpdesk::CommentPage page;
  page.next = cursor;
  for (const FakeComment& stored : ticket->comments) {
    long long id = std::atoll(stored.comment.id.c_str());
    if (id <= after) continue;
    page.comments.push_back(stored.comment);
    page.next = kCursorPrefix + stored.comment.id;
  }
  return page;
}

util::Result<helpdesk::Comment> FakeHelpdesk::AddPublicComment(const std::string& key, const bridge::RichText& body,
                                                               const std::string& marker) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool after_effect = false;
  auto error = Record({"AddPublicComment", key, marker, bridge::ToPlainString(body), false}, &after_effect);
  if (error && !after_effect) return tl::make_unexpected(*error);
  FakeTicket* ticket = Find(key);
  if (ticket == nullptr) return tl::make_unexpected(NoTicket(key));
  helpdesk::Comment comment;
  comment.author_id = identity_.id;
  comment.author_name = identity_.display_name;
  comment.body = body;
  comment.is_public = true;
  comment.written_by_slackdesk = true;
  AddComment(*ticket, comment, marker);
  if (error) return tl::make_unexpected(*error);
  return ticket->comments.back().comment;
}

std::string FakeHelpdesk::CommentUrl(const std::string& key, const std::string& comment_id) const {
  return "https://fake.test/" + key + "#comment-" + comment_id;
}

util::Result<std::optional<helpdesk::Comment>> FakeHelpdesk::FindCommentByMarker(const std::string& key,
                                                                                const std::string& marker) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto error = Record({"FindCommentByMarker", key, marker, "", false}, nullptr)) return tl::make_unexpected(*error);
  FakeTicket* ticket = Find(key);
  if (ticket == nullptr) return tl::make_unexpected(NoTicket(key));
  for (const FakeComment& stored : ticket->comments) {
    if (!marker.empty() && stored.marker == marker) return std::optional<helpdesk::Comment>(stored.comment);
  }
  return std::optional<helpdesk::Comment>();
}

}  // namespace fake
