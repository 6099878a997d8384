#include "helpdesk/jira/jira_helpdesk.h"

#include <algorithm>

#include <fmt/format.h>

#include "bridge/text.h"
#include "helpdesk/jira/wiki.h"
#include "util/log.h"
#include "util/strings.h"

namespace helpdesk::jira {
namespace {

constexpr const char* kCheckIdentity = "jira /rest/api/3/myself (jira_email, jira_api_token)";
constexpr const char* kCheckTarget = "jira service desk and request type";
// How soon to look again while the search may still be catching up.
constexpr long kSearchLagRetryMs = 2000;

// GETs `path` and reads the answer with `parse`; an answer it cannot read
// is an error naming `operation`.
template <class Parse>
auto GetAndParse(JiraTransport& transport, const std::string& operation, const std::string& path, Parse parse)
    -> decltype(parse(std::string_view())) {
  JiraCall call;
  call.operation = operation;
  call.path = path;
  auto response = transport.Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto parsed = parse(response->body);
  if (!parsed) return tl::make_unexpected(BadBody(call.operation, response->status, parsed.error()));
  return parsed;
}

}  // namespace

Comment ToComment(const WireComment& wire) {
  Comment comment;
  comment.id = wire.id;
  comment.author_id = wire.author_account_id;
  comment.author_name = wire.author_name;
  comment.body = ParseWiki(wire.body);
  comment.is_public = wire.is_public;
  comment.created_ms = wire.created_ms;
  comment.written_by_slackdesk = !wire.marker.empty();
  return comment;
}

JiraHelpdesk::JiraHelpdesk(util::http::HttpClient& http, JiraOptions options)
    : options_(Normalized(std::move(options))), transport_(http, options_) {}

std::string JiraHelpdesk::Name() const { return "jira"; }

util::Result<std::string> JiraHelpdesk::ProjectKeyOf(const std::string& desk_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto known = project_keys_.find(desk_id);
    if (known != project_keys_.end()) return known->second;
  }
  auto desk = GetAndParse(transport_, fmt::format("jira service desk {}", desk_id),
                          "/rest/servicedeskapi/servicedesk/" + UrlEncode(desk_id),
                          [](std::string_view body) { return ParseServiceDesk(body); });
  if (!desk) return tl::make_unexpected(desk.error());
  std::lock_guard<std::mutex> lock(mutex_);
  project_keys_[desk_id] = desk->project_key;
  return desk->project_key;
}

util::Result<std::vector<std::string>> JiraHelpdesk::ProjectKeys() {
  std::vector<std::string> keys;
  std::vector<std::string> desks{options_.service_desk_id};
  desks.insert(desks.end(), options_.route_desk_ids.begin(), options_.route_desk_ids.end());
  for (const std::string& desk : desks) {
    auto key = ProjectKeyOf(desk);
    if (!key) return tl::make_unexpected(key.error());
    if (std::find(keys.begin(), keys.end(), *key) == keys.end()) keys.push_back(*key);
  }
  return keys;
}

util::Result<Identity> JiraHelpdesk::WhoAmI() {
  return GetAndParse(transport_, "jira myself", "/rest/api/3/myself",
                     [](std::string_view body) { return ParseIdentity(body); });
}

std::vector<CheckLine> JiraHelpdesk::Check() {
  std::vector<CheckLine> lines;
  // A detail may quote a server's answer: redacted like a log line.
  auto add = [&lines](bool ok, const char* what, const std::string& detail) {
    lines.push_back(CheckLine{ok, what, util::log::Redact(detail)});
  };
  auto me = WhoAmI();
  if (!me) {
    // Without working credentials the target cannot be checked.
    add(false, kCheckIdentity, me.error().message);
    return lines;
  }
  add(true, kCheckIdentity, fmt::format("{} <{}>, time zone {}", me->display_name, me->email, me->time_zone));
  auto target = DescribeTarget();
  add(static_cast<bool>(target), kCheckTarget, target ? *target : target.error().message);
  return lines;
}

bridge::RequestTarget JiraHelpdesk::Resolved(const bridge::RequestTarget& target) const {
  return bridge::RequestTarget{target.desk_id.empty() ? options_.service_desk_id : target.desk_id,
                               target.type_id.empty() ? options_.request_type_id : target.type_id};
}

util::Result<bridge::RequestType> JiraHelpdesk::RequestTypeForm(const bridge::RequestTarget& wanted) {
  bridge::RequestTarget target = Resolved(wanted);
  std::string type_path = fmt::format("/rest/servicedeskapi/servicedesk/{}/requesttype/{}", UrlEncode(target.desk_id),
                                      UrlEncode(target.type_id));
  auto name =
      GetAndParse(transport_, fmt::format("jira request type {} in service desk {}", target.type_id, target.desk_id),
                  type_path, [](std::string_view body) { return ParseRequestTypeName(body); });
  if (!name) return tl::make_unexpected(name.error());
  auto fields = GetAndParse(
      transport_, fmt::format("jira fields of request type {} in service desk {}", target.type_id, target.desk_id),
      type_path + "/field", [](std::string_view body) { return ParseRequestTypeFields(body); });
  if (!fields) return tl::make_unexpected(fields.error());

  bridge::RequestType type{target, bridge::CleanLine(*name), {}};
  std::map<std::string, ValueShape> shapes;
  for (JiraField& field : *fields) {
    shapes[field.form.id] = field.shape;
    type.fields.push_back(std::move(field.form));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  shapes_[{target.desk_id, target.type_id}] = std::move(shapes);
  return type;
}

std::map<std::string, ValueShape> JiraHelpdesk::ShapesFor(const bridge::RequestTarget& target) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto known = shapes_.find({target.desk_id, target.type_id});
    if (known != shapes_.end()) return known->second;
  }
  if (auto type = RequestTypeForm(target); !type) {
    util::log::Warn("{}; the request's fields are sent as the form had them", type.error().message);
    return {};
  }
  std::lock_guard<std::mutex> lock(mutex_);
  return shapes_[{target.desk_id, target.type_id}];
}

util::Result<std::string> JiraHelpdesk::DescribeTarget() {
  const std::string& desk_id = options_.service_desk_id;
  const std::string& type_id = options_.request_type_id;
  JiraCall desk_call;
  desk_call.operation = fmt::format("jira service desk {}", desk_id);
  desk_call.path = "/rest/servicedeskapi/servicedesk/" + UrlEncode(desk_id);
  util::http::HttpResponse failed;
  auto desk_response = transport_.Send(desk_call, &failed);
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
    project_keys_[desk_id] = desk->project_key;
  }
  JiraCall type_call;
  type_call.operation = fmt::format("jira request type {} in service desk {}", type_id, desk_id);
  type_call.path =
      fmt::format("/rest/servicedeskapi/servicedesk/{}/requesttype/{}", UrlEncode(desk_id), UrlEncode(type_id));
  auto type_response = transport_.Send(type_call, &failed);
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
  const std::string wanted = util::Lower(email);
  long long start = 0;
  for (int page = 0; page < options_.max_pages; ++page) {
    JiraCall call;
    // The e-mail stays out of the operation: it would end up in logs.
    call.operation = fmt::format("jira customer search in service desk {}", options_.service_desk_id);
    call.path = fmt::format("/rest/servicedeskapi/servicedesk/{}/customer?query={}&start={}&limit=50",
                            UrlEncode(options_.service_desk_id), UrlEncode(email), start);
    call.experimental = true;
    auto response = transport_.Send(call);
    if (!response) return tl::make_unexpected(response.error());
    auto customers = ParseCustomerPage(response->body);
    if (!customers) return tl::make_unexpected(BadBody(call.operation, response->status, customers.error()));
    // The query also matches names and e-mail fragments: only an exact
    // address counts.
    for (const auto& customer : customers->customers) {
      if (!customer.account_id.empty() && util::Lower(customer.email) == wanted) {
        return std::optional<std::string>(customer.account_id);
      }
    }
    if (customers->is_last_page || customers->customers.empty()) break;
    start = customers->start + static_cast<long long>(customers->customers.size());
  }
  return std::optional<std::string>();
}

util::Result<Ticket> JiraHelpdesk::CreateTicket(const NewTicket& ticket) {
  std::string description = RenderWiki(ticket.description);
  // The search for the marker (FindCreatedTicket) reads the description.
  if (!ticket.marker.empty() && !MentionsMarker(description, ticket.marker)) {
    description += fmt::format("{}*slackdesk reference:* {}", description.empty() ? "" : "\n", ticket.marker);
  }
  JiraCall call;
  call.operation = "jira create request";
  call.method = "POST";
  call.path = "/rest/servicedeskapi/request";
  bridge::RequestTarget target = Resolved(ticket.target);
  call.body =
      CreateRequestBody(target.desk_id, target.type_id, ticket.summary, description, ticket.on_behalf_of, ticket.fields,
                        ticket.fields.empty() ? std::map<std::string, ValueShape>{} : ShapesFor(target));
  call.retry = Retry::kUnsafe;
  auto response = transport_.Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto created = ParseRequest(response->body);
  if (!created) return tl::make_unexpected(BadBody(call.operation, response->status, created.error()));
  if (created->summary.empty()) created->summary = ticket.summary;
  return created;
}

util::Result<Ticket> JiraHelpdesk::GetTicket(const std::string& key) {
  if (key.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira request: empty key");
  return GetAndParse(transport_, fmt::format("jira request {}", key), "/rest/servicedeskapi/request/" + UrlEncode(key),
                     [](std::string_view body) { return ParseRequest(body); });
}

util::Result<std::optional<Ticket>> JiraHelpdesk::FindTicketByMarker(const std::string& marker) {
  if (marker.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira search by marker: empty marker");
  auto project_keys = ProjectKeys();
  if (!project_keys) return tl::make_unexpected(project_keys.error());
  JiraCall call;
  call.operation = fmt::format("jira search for marker {}", marker);
  call.method = "POST";
  call.path = "/rest/api/3/search/jql";
  call.body = SearchBody(MarkerJql(*project_keys, marker), {"summary", "status"}, 5, "");
  auto response = transport_.Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto page = ParseSearchPage(response->body);
  if (!page) return tl::make_unexpected(BadBody(call.operation, response->status, page.error()));
  for (const auto& issue : page->issues) {
    if (issue.key.empty()) continue;
    JiraCall get;
    get.operation = fmt::format("jira request {}", issue.key);
    get.path = "/rest/servicedeskapi/request/" + UrlEncode(issue.key);
    auto request = transport_.Send(get);
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

util::Result<std::optional<Ticket>> JiraHelpdesk::FindCreatedTicket(const std::string& marker,
                                                                    long long attempted_at_ms, long long now_ms) {
  auto found = FindTicketByMarker(marker);
  if (!found || *found) return found;
  long long window_left = attempted_at_ms + options_.search_lag_window_ms - now_ms;
  if (window_left > 0) {
    // The search index may not show it yet: "not found" does not mean "not
    // created" until the window has passed. Asked again soon (it may show
    // up), and at the latest just as the window ends.
    return util::MakeError(util::ErrorCode::kTimeout, "ticket search has not caught up yet (marker " + marker + ")",
                           static_cast<long>(std::min<long long>(kSearchLagRetryMs, window_left + 1)));
  }
  return found;
}

}  // namespace helpdesk::jira
