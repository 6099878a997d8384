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
constexpr const char* kCheckDataCenterIdentity = "jira /rest/api/2/myself (jira_personal_access_token)";
constexpr const char* kCheckDeployment = "jira";
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
  comment.updated_ms = wire.updated_ms;
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

util::Result<ServerInfo> JiraHelpdesk::ReadServerInfo() {
  auto info = GetAndParse(transport_, "jira serverInfo", kServerInfoPath,
                          [](std::string_view body) { return ParseServerInfo(body); });
  if (info || info.error().code != util::ErrorCode::kAuth) return info;
  // Credentials refused: which deployment refused them still says what to
  // set instead, and sites let anyone read serverInfo ([U] on Data Center).
  JiraCall call;
  call.operation = "jira serverInfo";
  call.path = kServerInfoPath;
  call.anonymous = true;
  auto response = transport_.Send(call);
  if (!response) return info;
  auto anonymous = ParseServerInfo(response->body);
  return anonymous ? anonymous : info;
}

util::Result<Deployment> JiraHelpdesk::CurrentDeployment() {
  // An e-mail and API token are Cloud's sign-in: Cloud is assumed, as it
  // always was, without asking (WhoAmI explains a Data Center site).
  if (options_.personal_access_token.empty()) return Deployment::Cloud();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (deployment_) return *deployment_;
  }
  auto info = ReadServerInfo();
  if (!info) return tl::make_unexpected(info.error());
  if (info->cloud) {
    return util::MakeError(util::ErrorCode::kAuth,
                           fmt::format("jira: {} is Jira Cloud (serverInfo), which does not take a personal access "
                                       "token: set jira_email and jira_api_token instead of jira_personal_access_token",
                                       options_.base_url));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!deployment_) {
    deployment_ = Deployment::DataCenter(info->version);
    util::log::Info("jira: {} at {}", deployment_->Describe(), options_.base_url);
  }
  return *deployment_;
}

std::string JiraHelpdesk::SignIn() const {
  return options_.personal_access_token.empty() ? "e-mail and API token" : "personal access token";
}

std::optional<CheckLine> JiraHelpdesk::CheckDeployment() {
  auto info = ReadServerInfo();
  if (!info) return CheckLine{false, kCheckDeployment, util::log::Redact(info.error().message)};
  Deployment found = info->cloud ? Deployment::Cloud() : Deployment::DataCenter(info->version);
  std::string detail = fmt::format("{} at {} ({})", found.Describe(), options_.base_url, SignIn());
  bool token = !options_.personal_access_token.empty();
  if (info->cloud != token) return CheckLine{true, kCheckDeployment, detail};
  return CheckLine{false, kCheckDeployment,
                   detail + (token ? ", which Cloud does not take: set jira_email and jira_api_token instead of "
                                     "jira_personal_access_token"
                                   : ", which Data Center does not take: set jira_personal_access_token (a personal "
                                     "access token of the bot's Jira user) instead of jira_email and jira_api_token")};
}

util::Result<Identity> JiraHelpdesk::WhoAmI() {
  auto deployment = CurrentDeployment();
  if (!deployment) return tl::make_unexpected(deployment.error());
  JiraCall call;
  call.operation = "jira myself";
  call.path = deployment->MyselfPath();
  util::http::HttpResponse failed;
  auto response = transport_.Send(call, &failed);
  if (!response) {
    // Data Center has no /rest/api/3: a Cloud sign-in there ends here, so
    // say what it is and what to set.
    if (failed.status == 404 && deployment->IsCloud()) {
      auto info = ReadServerInfo();
      if (info && !info->cloud) {
        return util::MakeError(
            util::ErrorCode::kAuth,
            fmt::format("jira myself: {} is Jira {} (serverInfo), which has no /rest/api/3 and does not take "
                        "jira_email and jira_api_token: set jira_personal_access_token",
                        options_.base_url, Deployment::DataCenter(info->version).Describe()));
      }
    }
    return tl::make_unexpected(response.error());
  }
  auto identity = ParseIdentity(response->body, deployment->UserIdMember());
  if (!identity) return tl::make_unexpected(BadBody(call.operation, response->status, identity.error()));
  return identity;
}

std::vector<CheckLine> JiraHelpdesk::Check() {
  std::vector<CheckLine> lines;
  // A detail may quote a server's answer: redacted like a log line.
  auto add = [&lines](bool ok, const char* what, const std::string& detail) {
    lines.push_back(CheckLine{ok, what, util::log::Redact(detail)});
  };
  const char* identity = options_.personal_access_token.empty() ? kCheckIdentity : kCheckDataCenterIdentity;
  auto me = WhoAmI();
  if (!me) {
    // Without working credentials the target cannot be checked.
    add(false, identity, me.error().message);
    return lines;
  }
  add(true, identity, fmt::format("{} <{}>, time zone {}", me->display_name, me->email, me->time_zone));
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

std::vector<CheckLine> JiraHelpdesk::CheckRequestType(const bridge::RequestTarget& target) {
  std::string what =
      fmt::format("raising on behalf of customers: type {} in service desk {}", target.type_id, target.desk_id);
  JiraCall call;
  call.operation = fmt::format("jira fields of request type {} in service desk {}", target.type_id, target.desk_id);
  call.path = fmt::format("/rest/servicedeskapi/servicedesk/{}/requesttype/{}/field", UrlEncode(target.desk_id),
                          UrlEncode(target.type_id));
  auto response = transport_.Send(call);
  if (!response) return {CheckLine{false, what, util::log::Redact(response.error().message)}};
  std::optional<bool> allowed = CanRaiseOnBehalfOf(response->body);
  if (!allowed) return {};  // not said: nothing to report
  if (*allowed) return {CheckLine{true, what, "allowed"}};
  // Without it a request for a customer fails, or is raised as the bot.
  return {CheckLine{false, what,
                    fmt::format("not allowed for slackdesk's helpdesk account (canRaiseOnBehalfOf is false): make "
                                "the bot's Jira user an agent of service desk {}",
                                target.desk_id)}};
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
  auto deployment = CurrentDeployment();
  if (!deployment) return tl::make_unexpected(deployment.error());
  const std::string wanted = util::Lower(email);
  long long start = 0;
  for (int page = 0; page < options_.max_pages; ++page) {
    JiraCall call = deployment->CustomerSearchCall(options_.service_desk_id, email, start);
    auto response = transport_.Send(call);
    if (!response) return tl::make_unexpected(response.error());
    auto customers = deployment->ParseCustomerSearch(response->body, start);
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
  auto deployment = CurrentDeployment();
  if (!deployment) return tl::make_unexpected(deployment.error());
  auto project_keys = ProjectKeys();
  if (!project_keys) return tl::make_unexpected(project_keys.error());
  JiraCall call = deployment->SearchCall(fmt::format("jira search for marker {}", marker),
                                         MarkerJql(*project_keys, marker), {"summary", "status"}, 5, "");
  auto response = transport_.Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto page = deployment->ParseSearch(response->body);
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
