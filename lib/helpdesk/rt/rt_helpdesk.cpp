// RtHelpdesk: identity, check, the form, creating a ticket and finding it
// again (rt_sync.cpp has the two-way sync half).
#include "helpdesk/rt/rt_helpdesk.h"

#include <algorithm>

#include <fmt/format.h>

#include "bridge/text.h"
#include "helpdesk/jira/jira_encoding.h"
#include "helpdesk/rt/rt_text.h"
#include "util/json_util.h"
#include "util/log.h"
#include "util/strings.h"

namespace helpdesk::rt {
namespace {

using jira::UrlEncode;

constexpr const char* kCheckUser = "rt user (rt_url, rt_token)";
constexpr const char* kCheckQueue = "rt queue (rt_queue)";
constexpr const char* kCheckMarkerField = "rt marker field (rt_marker_field)";
// RT's Subject column holds 200 characters.
constexpr size_t kMaxSubjectChars = 200;

// An address RT can make a requestor of: one word with an '@', nothing a
// mail header would split on.
bool IsPlainEmail(const std::string& email) {
  if (email.size() < 3 || email.size() > 254 || email.find('@') == std::string::npos) return false;
  return std::none_of(email.begin(), email.end(), [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return u <= 0x20 || u == 0x7f || ch == '<' || ch == '>' || ch == ',' || ch == '"' || ch == '\'';
  });
}

}  // namespace

bridge::RequestType RtForm(const bridge::RequestTarget& target, const std::string& queue) {
  bridge::RequestType type{target, "Ticket in " + queue, {}};
  type.fields.push_back(
      {bridge::kSummaryField, "Subject", bridge::FieldKind::kText, true, kMaxSubjectChars, {}, "Subject"});
  type.fields.push_back(
      {bridge::kDescriptionField, "Description", bridge::FieldKind::kParagraph, false, 0, {}, "Content"});
  return type;
}

RtHelpdesk::RtHelpdesk(util::http::HttpClient& http, RtOptions options)
    : options_(Normalized(std::move(options))), transport_(http, options_) {}

std::string RtHelpdesk::Name() const { return "rt"; }

util::Result<Identity> RtHelpdesk::WhoAmI() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (identity_) return *identity_;
  }
  const std::string operation = "rt who am I";
  RtCall search{operation, "GET",
                "/transactions?query=" + UrlEncode("ObjectType = 'RT::User' AND ObjectId = '__CurrentUser__'") +
                    "&fields=ObjectId&per_page=1"};
  auto found = transport_.Send(search);
  if (!found) return tl::make_unexpected(found.error());
  auto page = ParseTransactionPage(found->body, nullptr);
  if (!page) return tl::make_unexpected(BadBody(operation, found->status, page.error()));
  if (page->empty() || !IsTicketId(page->front().object_id)) {
    return util::MakeError(util::ErrorCode::kAuth,
                           operation +
                               ": RT shows no history of the user rt_token belongs to, so slackdesk cannot "
                               "tell which user it is (is the token's user disabled?)");
  }
  auto response = transport_.Send(RtCall{operation, "GET", "/user/" + page->front().object_id});
  if (!response) return tl::make_unexpected(response.error());
  auto user = ParseUser(response->body);
  if (!user) return tl::make_unexpected(BadBody(operation, response->status, user.error()));
  Identity identity{user->name, user->real_name.empty() ? user->name : user->real_name, user->email, user->time_zone};
  std::lock_guard<std::mutex> lock(mutex_);
  identity_ = identity;
  return identity;
}

std::vector<CheckLine> RtHelpdesk::Check() {
  std::vector<CheckLine> lines;
  // A detail may quote a server's answer: redacted like a log line.
  auto add = [&lines](bool ok, const char* what, const std::string& detail) {
    lines.push_back(CheckLine{ok, what, util::log::Redact(detail)});
  };
  auto me = WhoAmI();
  if (!me) {
    add(false, kCheckUser, me.error().message);
    return lines;
  }
  add(true, kCheckUser,
      fmt::format("{} <{}> (RT user {}), time zone {}", me->display_name, me->email, me->id,
                  me->time_zone.empty() ? "RT's default" : me->time_zone));
  int status = 0;
  auto response = transport_.Send(RtCall{"rt queue", "GET", "/queue/" + UrlEncode(options_.queue)}, &status);
  if (!response) {
    add(false, kCheckQueue,
        status == 404 || status == 403
            ? fmt::format("queue '{}' not found, or RT user {} may not see it (SeeQueue): fix rt_queue or the rights",
                          options_.queue, me->id)
            : response.error().message);
    return lines;
  }
  auto queue = ParseQueue(response->body);
  if (!queue) {
    add(false, kCheckQueue, BadBody("rt queue", response->status, queue.error()).message);
    return lines;
  }
  if (queue->disabled) {
    add(false, kCheckQueue, fmt::format("queue '{}' is disabled: enable it or fix rt_queue", queue->name));
    return lines;
  }
  add(true, kCheckQueue, fmt::format("queue '{}' (id {})", queue->name, queue->id));
  const std::vector<std::string>* names = &queue->ticket_custom_fields;
  std::string wanted = util::Lower(options_.marker_field);
  bool found =
      std::any_of(names->begin(), names->end(), [&](const std::string& n) { return util::Lower(n) == wanted; });
  if (found) {
    add(true, kCheckMarkerField,
        fmt::format("ticket custom field '{}' applies to queue '{}'", options_.marker_field, queue->name));
  } else {
    add(false, kCheckMarkerField,
        fmt::format("no ticket custom field '{}' applies to queue '{}' (RT would silently drop slackdesk's "
                    "idempotency marker): as an RT admin, create it (Admin > Custom Fields > Create: name {}, "
                    "type 'Enter one value', applies to Tickets), apply it to queue '{}', and grant RT user {} "
                    "SeeCustomField and SetInitialCustomField on it",
                    options_.marker_field, queue->name, options_.marker_field, queue->name, me->id));
  }
  return lines;
}

util::Result<std::optional<std::string>> RtHelpdesk::FindCustomer(const std::string& email) {
  if (!IsPlainEmail(email)) return std::optional<std::string>();
  return std::optional<std::string>(email);
}

util::Result<bridge::RequestType> RtHelpdesk::RequestTypeForm(const bridge::RequestTarget& target) {
  return RtForm(target, options_.queue);
}

Ticket RtHelpdesk::ToTicket(const WireTicket& wire) const {
  Ticket ticket;
  ticket.id = wire.id;
  ticket.key = KeyOf(wire.id);
  ticket.summary = wire.subject;
  ticket.status = StatusFromRt(wire.status);
  ticket.web_url = options_.base_url + "/Ticket/Display.html?id=" + wire.id;
  ticket.agent_url = ticket.web_url;
  return ticket;
}

std::string RtHelpdesk::CommentUrl(const std::string& key, const std::string& comment_id) const {
  std::optional<std::string> id = IdOfKey(key);
  if (!id) return "";
  return options_.base_url + "/Ticket/Display.html?id=" + *id + "#txn-" + comment_id;
}

util::Result<WireTicket> RtHelpdesk::GetTicket(const std::string& key) {
  const std::string operation = "rt ticket " + key;
  std::optional<std::string> id = IdOfKey(key);
  if (!id) return util::MakeError(util::ErrorCode::kInvalidInput, operation + ": not an RT ticket");
  auto response = transport_.Send(RtCall{operation, "GET", "/ticket/" + *id});
  if (!response) return tl::make_unexpected(response.error());
  auto ticket = ParseTicket(response->body, options_.marker_field);
  if (!ticket) return tl::make_unexpected(BadBody(operation, response->status, ticket.error()));
  if (ticket->id != *id) {
    return tl::make_unexpected(
        BadBody(operation, response->status, util::Error{util::ErrorCode::kServerError, "another ticket's id"}));
  }
  return ticket;
}

util::Result<bool> RtHelpdesk::HasRequestor(const WireTicket& ticket, const std::string& requestor,
                                            const std::string& operation) {
  std::string wanted = util::Lower(requestor);
  for (const std::string& id : ticket.requestors) {
    if (util::Lower(id) == wanted) return true;
  }
  // A known user keeps their own Name ("dave"); compare their address.
  for (const std::string& id : ticket.requestors) {
    auto response = transport_.Send(RtCall{operation, "GET", "/user/" + UrlEncode(id)});
    if (!response) return tl::make_unexpected(response.error());
    auto user = ParseUser(response->body);
    if (user && util::Lower(user->email) == wanted) return true;
  }
  return false;
}

util::Result<Ticket> RtHelpdesk::CreateTicket(const NewTicket& ticket) {
  const std::string operation = "rt create ticket";
  if (!IsSafeMarker(ticket.marker)) {
    return util::MakeError(util::ErrorCode::kInvalidInput, operation + ": the marker must be letters and digits");
  }
  std::string body = CreateTicketBody(options_.queue, ticket.on_behalf_of,
                                      bridge::TruncateChars(bridge::CleanLine(ticket.summary), kMaxSubjectChars),
                                      RenderPlain(ticket.description), options_.marker_field, ticket.marker);
  auto response = transport_.Send(RtCall{operation, "POST", "/ticket", body, Retry::kUnsafe});
  if (!response) return tl::make_unexpected(response.error());
  auto id = ParseCreatedId(response->body);
  if (!id) {
    std::optional<std::string> from_location = IdFromLocation(response->Header("location"), "ticket");
    if (!from_location) return tl::make_unexpected(BadBody(operation, response->status, id.error()));
    id = *from_location;
  }
  // RT answers 201 even when it dropped an unknown custom field or a
  // requestor it could not make: check what was asked for stuck. The
  // ticket exists either way, so it is kept and linked (an error would tell
  // the customer to submit again, and each try would leave one more ticket
  // in RT); what went missing is logged for the admin.
  auto created = GetTicket(*id);
  if (!created) return tl::make_unexpected(created.error());
  const std::vector<std::string>& markers = created->marker_values;
  if (std::find(markers.begin(), markers.end(), ticket.marker) == markers.end()) {
    util::log::Error(
        "{}: RT created ticket #{} but did not keep slackdesk's marker in custom field '{}' (it must apply to "
        "queue '{}' and the bot's user must be allowed to set it): a crash during a create could now raise a "
        "ticket twice; run slackdesk check",
        operation, *id, options_.marker_field, options_.queue);
  }
  if (!ticket.on_behalf_of.empty()) {
    auto has = HasRequestor(*created, ticket.on_behalf_of, operation);
    if (!has) return tl::make_unexpected(has.error());
    if (!*has) {
      util::log::Warn(
          "{}: RT created ticket #{} without the requestor {} (RT refused to make a user of that address), so RT "
          "will not mail them",
          operation, *id, ticket.on_behalf_of);
    }
  }
  return ToTicket(*created);
}

util::Result<std::optional<Ticket>> RtHelpdesk::FindCreatedTicket(const std::string& marker,
                                                                  long long /*attempted_at_ms*/, long long /*now_ms*/) {
  const std::string operation = "rt find ticket by marker " + marker;
  if (!IsSafeMarker(marker)) {
    return util::MakeError(util::ErrorCode::kInvalidInput, operation + ": the marker must be letters and digits");
  }
  std::string path = "/tickets?query=" + UrlEncode(MarkerQuery(options_.queue, options_.marker_field, marker)) +
                     "&fields=Subject,Status,LastUpdated&per_page=10";
  auto response = transport_.Send(RtCall{operation, "GET", path});
  if (!response) return tl::make_unexpected(response.error());
  auto tickets = ParseTicketPage(response->body, nullptr);
  if (!tickets) return tl::make_unexpected(BadBody(operation, response->status, tickets.error()));
  if (tickets->empty()) return std::optional<Ticket>();
  return std::optional<Ticket>(ToTicket(tickets->front()));
}

util::Result<Reopening> RtHelpdesk::ReopenTicket(const std::string& key) {
  auto before = GetTicket(key);
  if (!before) return tl::make_unexpected(before.error());
  TicketStatus status = StatusFromRt(before->status);
  if (status.category != StatusCategory::kDone) return Reopening{bridge::ReopenResult::kAlreadyOpen, status};
  // RT answers 200 with its messages whether or not the lifecycle allowed
  // the change: the status read back says what happened.
  auto changed = transport_.Send(RtCall{"rt reopen " + key, "PUT", "/ticket/" + before->id, "{\"Status\":\"open\"}"});
  if (!changed) return tl::make_unexpected(changed.error());
  auto after = GetTicket(key);
  if (!after) return tl::make_unexpected(after.error());
  status = StatusFromRt(after->status);
  if (status.category == StatusCategory::kDone) {
    util::log::Info("rt {} stays '{}': its lifecycle does not go back to open", key, after->status);
    return Reopening{bridge::ReopenResult::kNotAllowed, status};
  }
  return Reopening{bridge::ReopenResult::kReopened, status};
}

}  // namespace helpdesk::rt
