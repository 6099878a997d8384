#include "helpdesk/jira/jira_helpdesk.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "helpdesk/jira/jira_json.h"
#include "util/log.h"

namespace helpdesk::jira {
namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

long long ToMillis(util::Duration duration) { return std::chrono::duration_cast<util::Millis>(duration).count(); }

// "<operation>: HTTP <status> but <what the parser said>": a 2xx whose body
// is not what the endpoint returns. Transient (kServerError): for a write
// the outcome is unknown and the caller reconciles.
util::Error BadBody(const std::string& operation, int status, const util::Error& parse_error) {
  return util::Error{util::ErrorCode::kServerError,
                     fmt::format("{}: HTTP {} but {}", operation, status, parse_error.message)};
}

}  // namespace

JiraHelpdesk::JiraHelpdesk(util::http::HttpClient& http, JiraOptions options)
    : http_(http), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  if (!options_.now) options_.now = [] { return util::SteadyClock::now(); };
  if (!options_.sleep) options_.sleep = [](util::Duration d) { std::this_thread::sleep_for(d); };
  options_.max_attempts = std::max(1, options_.max_attempts);
  options_.keys_per_search = std::max(1, options_.keys_per_search);
  options_.max_pages = std::max(1, options_.max_pages);
  std::string credentials = Base64Encode(options_.email + ":" + options_.api_token);
  authorization_ = "Basic " + credentials;
  // The sink redacts these wherever they might turn up (a curl message, a
  // debug dump), so no call site can leak them.
  util::log::AddSecret(options_.api_token);
  util::log::AddSecret(credentials);
}

// --- Transport ----------------------------------------------------------------

util::Result<util::http::HttpResponse> JiraHelpdesk::Attempt(const Call& call,
                                                             util::http::HttpResponse* failed_response) {
  *failed_response = util::http::HttpResponse{};
  util::http::HttpRequest request;
  request.method = call.method;
  request.url = options_.base_url + call.path;
  request.headers = {{"Authorization", authorization_}, {"Accept", "application/json"}};
  if (!call.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (call.experimental) request.headers.emplace_back("X-ExperimentalApi", "opt-in");
  request.body = call.body;
  request.timeout = std::chrono::duration_cast<util::Millis>(options_.timeout);
  auto response = http_.Send(request);
  if (!response) {
    util::Error error = response.error();
    error.message = fmt::format("{}: {}", call.operation, error.message);
    return tl::make_unexpected(std::move(error));
  }
  int status = response->status;
  if (status >= 200 && status < 300) return response;
  *failed_response = *response;
  if (status == 429) {
    util::Millis wait = util::http::ParseRetryAfter(response->Header("retry-after"), options_.default_retry_after);
    return util::MakeError(
        util::ErrorCode::kRateLimited,
        fmt::format("{}: rate limited (HTTP 429), Retry-After {} s", call.operation, wait.count() / 1000.0),
        wait.count());
  }
  if (status >= 500) {
    // Some 503s say when to come back; that pause then applies to all calls.
    util::Millis wait = util::http::ParseRetryAfter(response->Header("retry-after"), util::Millis(0));
    return util::MakeError(util::ErrorCode::kServerError, fmt::format("{}: HTTP {}", call.operation, status),
                           wait.count());
  }
  std::string detail = ErrorMessageFromBody(response->body);
  util::ErrorCode code = status == 401 || status == 403 ? util::ErrorCode::kAuth : util::ErrorCode::kRemoteRejected;
  return util::MakeError(code, detail.empty() ? fmt::format("{}: HTTP {}", call.operation, status)
                                              : fmt::format("{}: {} (HTTP {})", call.operation, detail, status));
}

util::Result<util::http::HttpResponse> JiraHelpdesk::Send(const Call& call, util::http::HttpResponse* failed_response) {
  util::http::HttpResponse failed;
  for (int attempt = 1;; ++attempt) {
    // Honour a rate-limit block set by any thread. Re-read after waiting: a
    // 429 seen meanwhile by another call may have pushed it further.
    for (int waits = 0; waits < 8; ++waits) {
      util::TimePoint until;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        until = blocked_until_;
      }
      util::TimePoint now = options_.now();
      if (until <= now) break;
      if (until - now > options_.max_rate_limit_wait) {
        long long remaining = ToMillis(until - now);
        return util::MakeError(
            util::ErrorCode::kRateLimited,
            fmt::format("{}: not sent, Jira rate limit in force for another {} ms", call.operation, remaining),
            remaining);
      }
      options_.sleep(until - now);
    }
    auto result = Attempt(call, &failed);
    if (result) return result;
    const util::Error& error = result.error();
    if (error.retry_after_ms > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      blocked_until_ = std::max(blocked_until_, options_.now() + util::Millis(error.retry_after_ms));
    }
    // Both a 429 and a failure before sending leave nothing done on Jira's
    // side, so even a create may go again; anything else is repeated only
    // for reads.
    bool repeatable = error.IsTransient() &&
                      (call.retry == Retry::kSafe || error.code == util::ErrorCode::kRateLimited || error.not_sent);
    bool too_long = util::Millis(error.retry_after_ms) > options_.max_rate_limit_wait;
    if (!repeatable || too_long || attempt >= options_.max_attempts) {
      if (failed_response != nullptr) *failed_response = std::move(failed);
      return result;
    }
    util::Millis delay = error.retry_after_ms > 0 ? util::Millis(0)  // the block above holds every call back
                                                  : util::BackoffDelay(options_.backoff, attempt, util::UnitRandom());
    util::log::Warn("{}; retry {} of {} in {} ms", error.message, attempt, options_.max_attempts - 1,
                    error.retry_after_ms > 0 ? error.retry_after_ms : delay.count());
    options_.sleep(delay);
  }
}

util::Result<std::string> JiraHelpdesk::ProjectKey() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!project_key_.empty()) return project_key_;
  }
  Call call;
  call.operation = fmt::format("jira service desk {}", options_.service_desk_id);
  call.path = "/rest/servicedeskapi/servicedesk/" + UrlEncode(options_.service_desk_id);
  auto response = Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto desk = ParseServiceDesk(response->body);
  if (!desk) return tl::make_unexpected(BadBody(call.operation, response->status, desk.error()));
  std::lock_guard<std::mutex> lock(mutex_);
  project_key_ = desk->project_key;
  return project_key_;
}

// --- Helpdesk -----------------------------------------------------------------

util::Result<Identity> JiraHelpdesk::WhoAmI() {
  Call call;
  call.operation = "jira myself";
  call.path = "/rest/api/3/myself";
  auto response = Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto identity = ParseIdentity(response->body);
  if (!identity) return tl::make_unexpected(BadBody(call.operation, response->status, identity.error()));
  return identity;
}

util::Result<std::string> JiraHelpdesk::DescribeTarget() {
  const std::string& desk_id = options_.service_desk_id;
  const std::string& type_id = options_.request_type_id;
  Call desk_call;
  desk_call.operation = fmt::format("jira service desk {}", desk_id);
  desk_call.path = "/rest/servicedeskapi/servicedesk/" + UrlEncode(desk_id);
  util::http::HttpResponse failed;
  auto desk_response = Send(desk_call, &failed);
  if (!desk_response) {
    util::Error error = desk_response.error();
    // Jira answers 404 for a desk that does not exist or that the account
    // may not see; either way the setting is what to fix.
    if (failed.status == 404) {
      error.message = fmt::format("jira_service_desk_id {} not found ({})", desk_id, error.message);
    }
    return tl::make_unexpected(std::move(error));
  }
  auto desk = ParseServiceDesk(desk_response->body);
  if (!desk) return tl::make_unexpected(BadBody(desk_call.operation, desk_response->status, desk.error()));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    project_key_ = desk->project_key;
  }
  Call type_call;
  type_call.operation = fmt::format("jira request type {} in service desk {}", type_id, desk_id);
  type_call.path =
      fmt::format("/rest/servicedeskapi/servicedesk/{}/requesttype/{}", UrlEncode(desk_id), UrlEncode(type_id));
  auto type_response = Send(type_call, &failed);
  if (!type_response) {
    util::Error error = type_response.error();
    if (failed.status == 404) {
      error.message =
          fmt::format("jira_request_type_id {} not found in service desk {} ({})", type_id, desk_id, error.message);
    }
    return tl::make_unexpected(std::move(error));
  }
  auto type_name = ParseRequestTypeName(type_response->body);
  if (!type_name) return tl::make_unexpected(BadBody(type_call.operation, type_response->status, type_name.error()));
  std::string project =
      desk->project_name.empty() ? desk->project_key : fmt::format("{} ({})", desk->project_key, desk->project_name);
  return fmt::format("service desk {}, request type '{}'", project, *type_name);
}

util::Result<std::optional<std::string>> JiraHelpdesk::FindCustomer(const std::string& email) {
  if (email.empty()) return std::optional<std::string>();
  const std::string wanted = Lower(email);
  long long start = 0;
  for (int page = 0; page < options_.max_pages; ++page) {
    Call call;
    // The e-mail stays out of the operation: it would end up in logs.
    call.operation = fmt::format("jira customer search in service desk {}", options_.service_desk_id);
    call.path = fmt::format("/rest/servicedeskapi/servicedesk/{}/customer?query={}&start={}&limit=50",
                            UrlEncode(options_.service_desk_id), UrlEncode(email), start);
    call.experimental = true;
    auto response = Send(call);
    if (!response) return tl::make_unexpected(response.error());
    auto customers = ParseCustomerPage(response->body);
    if (!customers) return tl::make_unexpected(BadBody(call.operation, response->status, customers.error()));
    // The query also matches names and e-mail fragments: only an exact
    // address counts.
    for (const auto& customer : customers->customers) {
      if (!customer.account_id.empty() && Lower(customer.email) == wanted) {
        return std::optional<std::string>(customer.account_id);
      }
    }
    if (customers->is_last_page || customers->customers.empty()) break;
    start = customers->start + static_cast<long long>(customers->customers.size());
  }
  return std::optional<std::string>();
}

util::Result<Ticket> JiraHelpdesk::CreateTicket(const NewTicket& ticket) {
  Call call;
  call.operation = "jira create request";
  call.method = "POST";
  call.path = "/rest/servicedeskapi/request";
  call.body = CreateRequestBody(options_.service_desk_id, options_.request_type_id, ticket);
  call.retry = Retry::kUnsafe;
  auto response = Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto created = ParseRequest(response->body);
  if (!created) return tl::make_unexpected(BadBody(call.operation, response->status, created.error()));
  if (created->summary.empty()) created->summary = ticket.summary;
  return created;
}

util::Result<Ticket> JiraHelpdesk::GetTicket(const std::string& key) {
  if (key.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira request: empty key");
  Call call;
  call.operation = fmt::format("jira request {}", key);
  call.path = "/rest/servicedeskapi/request/" + UrlEncode(key);
  auto response = Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto ticket = ParseRequest(response->body);
  if (!ticket) return tl::make_unexpected(BadBody(call.operation, response->status, ticket.error()));
  return ticket;
}

util::Result<std::optional<Ticket>> JiraHelpdesk::FindTicketByMarker(const std::string& marker) {
  if (marker.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira search by marker: empty marker");
  auto project_key = ProjectKey();
  if (!project_key) return tl::make_unexpected(project_key.error());
  Call call;
  call.operation = fmt::format("jira search for marker {}", marker);
  call.method = "POST";
  call.path = "/rest/api/3/search/jql";
  call.body = SearchBody(MarkerJql(*project_key, marker), {"summary", "status"}, 5, "");
  auto response = Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto page = ParseSearchPage(response->body);
  if (!page) return tl::make_unexpected(BadBody(call.operation, response->status, page.error()));
  for (const auto& issue : page->issues) {
    if (issue.key.empty()) continue;
    Call get;
    get.operation = fmt::format("jira request {}", issue.key);
    get.path = "/rest/servicedeskapi/request/" + UrlEncode(issue.key);
    auto request = Send(get);
    if (!request) {
      // Deleted or moved since the search saw it: not ours to report.
      if (request.error().code == util::ErrorCode::kRemoteRejected) continue;
      return tl::make_unexpected(request.error());
    }
    if (!RequestMentions(request->body, marker)) continue;
    auto ticket = ParseRequest(request->body);
    if (!ticket) return tl::make_unexpected(BadBody(get.operation, request->status, ticket.error()));
    return std::optional<Ticket>(std::move(*ticket));
  }
  return std::optional<Ticket>();
}

util::Result<std::vector<TicketChange>> JiraHelpdesk::ChangedSince(long long since_ms,
                                                                   const std::vector<std::string>& keys) {
  std::vector<std::string> valid;
  std::set<std::string> seen;
  for (const std::string& key : keys) {
    // Keys go into the JQL unquoted: anything else could change the query.
    if (!IsIssueKey(key)) {
      util::log::Warn("jira search for changes: '{}' is not an issue key; left out", key);
      continue;
    }
    if (seen.insert(Upper(key)).second) valid.push_back(key);
  }
  std::map<std::string, TicketChange> latest;  // by upper-case key
  if (valid.size() > static_cast<size_t>(options_.key_list_limit)) {
    auto project_key = ProjectKey();
    if (!project_key) return tl::make_unexpected(project_key.error());
    auto changes = SearchChanges(since_ms, {}, ProjectChangedSinceJql(*project_key, since_ms));
    if (!changes) return tl::make_unexpected(changes.error());
    for (TicketChange& change : *changes) {
      if (seen.count(Upper(change.key)) == 0) continue;  // not one of ours
      auto [it, inserted] = latest.emplace(Upper(change.key), change);
      if (!inserted && change.updated_ms >= it->second.updated_ms) it->second = std::move(change);
    }
    valid.clear();
  }
  for (size_t begin = 0; begin < valid.size(); begin += static_cast<size_t>(options_.keys_per_search)) {
    size_t end = std::min(valid.size(), begin + static_cast<size_t>(options_.keys_per_search));
    auto changes = SearchChanges(since_ms, std::vector<std::string>(valid.begin() + static_cast<std::ptrdiff_t>(begin),
                                                                    valid.begin() + static_cast<std::ptrdiff_t>(end)));
    if (!changes) return tl::make_unexpected(changes.error());
    for (TicketChange& change : *changes) {
      auto [it, inserted] = latest.emplace(Upper(change.key), change);
      // Paging drift can report an issue twice; its newest state wins.
      if (!inserted && change.updated_ms >= it->second.updated_ms) it->second = std::move(change);
    }
  }
  std::vector<TicketChange> result;
  result.reserve(latest.size());
  for (auto& entry : latest) result.push_back(std::move(entry.second));
  std::sort(result.begin(), result.end(), [](const TicketChange& a, const TicketChange& b) {
    return a.updated_ms != b.updated_ms ? a.updated_ms < b.updated_ms : a.key < b.key;
  });
  return result;
}

util::Result<std::vector<TicketChange>> JiraHelpdesk::SearchChanges(long long since_ms, std::vector<std::string> keys,
                                                                   const std::string& fixed_jql) {
  // Jira refuses the whole query when one key no longer exists (deleted,
  // or a typo in the store); each refusal names keys, so this ends.
  while (!keys.empty() || !fixed_jql.empty()) {
    const std::string jql = fixed_jql.empty() ? ChangedSinceJql(since_ms, keys) : fixed_jql;
    std::vector<TicketChange> changes;
    std::string token;
    bool restart = false;
    for (int page = 0;; ++page) {
      if (page >= options_.max_pages) {
        return util::MakeError(util::ErrorCode::kServerError,
                               fmt::format("jira search for changes: no last page after {} pages", page));
      }
      Call call;
      call.operation = fmt::format("jira search for changes since {} ({} keys)", since_ms, keys.size());
      call.method = "POST";
      call.path = "/rest/api/3/search/jql";
      call.body = SearchBody(jql, {"updated", "status"}, options_.search_page_size, token);
      util::http::HttpResponse failed;
      auto response = Send(call, &failed);
      if (!response) {
        if (failed.status != 400 || !fixed_jql.empty()) return tl::make_unexpected(response.error());
        std::vector<std::string> unknown = UnknownKeysInSearchError(failed.body);
        std::set<std::string> drop;
        for (const std::string& key : unknown) drop.insert(Upper(key));
        size_t before = keys.size();
        keys.erase(std::remove_if(keys.begin(), keys.end(),
                                  [&](const std::string& key) { return drop.count(Upper(key)) > 0; }),
                   keys.end());
        if (keys.size() == before) return tl::make_unexpected(response.error());
        util::log::Warn("jira search for changes: Jira does not know {}; left out", fmt::join(unknown, ", "));
        restart = true;
        break;
      }
      auto parsed = ParseSearchPage(response->body);
      if (!parsed) return tl::make_unexpected(BadBody(call.operation, response->status, parsed.error()));
      for (const auto& issue : parsed->issues) {
        if (issue.key.empty()) continue;
        // The issue matched `updated >= since`, so since_ms is a safe floor
        // when its date cannot be read.
        changes.push_back(
            TicketChange{issue.key, issue.updated_ms.value_or(since_ms), issue.status, issue.status_category});
      }
      if (parsed->next_page_token.empty() || parsed->next_page_token == token) break;
      token = parsed->next_page_token;
    }
    if (!restart) return changes;
  }
  return std::vector<TicketChange>();
}

util::Status JiraHelpdesk::WalkComments(const std::string& key, const std::string& operation,
                                        const std::function<bool(const Comment&)>& visit) {
  std::set<std::string> seen;
  long long start_at = 0;
  for (int page = 0; page < options_.max_pages; ++page) {
    Call call;
    call.operation = operation;
    call.path = fmt::format("/rest/api/2/issue/{}/comment?orderBy=-created&maxResults={}&startAt={}&expand=properties",
                            UrlEncode(key), options_.comment_page_size, start_at);
    auto response = Send(call);
    if (!response) return tl::make_unexpected(response.error());
    auto parsed = ParseCommentPage(response->body);
    if (!parsed) return tl::make_unexpected(BadBody(operation, response->status, parsed.error()));
    for (const Comment& comment : parsed->comments) {
      // A comment added while paging shifts the newest-first pages by one,
      // so the next page can repeat the last comment of this one.
      if (!seen.insert(comment.id).second) continue;
      if (visit(comment)) return util::Ok();
    }
    if (parsed->comments.empty()) return util::Ok();
    start_at = parsed->start_at + static_cast<long long>(parsed->comments.size());
    if (start_at >= parsed->total) return util::Ok();
  }
  util::log::Warn("{}: stopped after {} pages of comments", operation, options_.max_pages);
  return util::Ok();
}

util::Result<std::vector<Comment>> JiraHelpdesk::CommentsNewerThan(const std::string& key,
                                                                   const std::string& stop_after_id) {
  if (key.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira comments: empty key");
  std::vector<Comment> comments;
  auto walked = WalkComments(key, fmt::format("jira comments {}", key), [&](const Comment& comment) {
    if (!stop_after_id.empty() && comment.id == stop_after_id) return true;
    comments.push_back(comment);
    return false;
  });
  if (!walked) return tl::make_unexpected(walked.error());
  return comments;
}

util::Result<Comment> JiraHelpdesk::AddPublicComment(const std::string& key, const std::string& body,
                                                     const std::string& marker) {
  if (key.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira comment: empty key");
  Call call;
  call.operation = fmt::format("jira comment {}", key);
  call.method = "POST";
  call.path = fmt::format("/rest/api/2/issue/{}/comment?expand=properties", UrlEncode(key));
  call.body = AddCommentBody(body, marker);
  call.retry = Retry::kUnsafe;
  auto response = Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto comment = ParseComment(response->body);
  if (!comment) return tl::make_unexpected(BadBody(call.operation, response->status, comment.error()));
  if (comment->marker.empty()) comment->marker = marker;
  return comment;
}

util::Result<std::optional<Comment>> JiraHelpdesk::FindCommentByMarker(const std::string& key,
                                                                       const std::string& marker) {
  if (key.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira comments: empty key");
  if (marker.empty()) return std::optional<Comment>();
  std::optional<Comment> found;
  auto walked = WalkComments(key, fmt::format("jira comments {}", key), [&](const Comment& comment) {
    if (comment.marker != marker) return false;
    found = comment;
    return true;
  });
  if (!walked) return tl::make_unexpected(walked.error());
  return found;
}

}  // namespace helpdesk::jira
