#include "helpdesk/rt/rt_wire.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "helpdesk/jira/jira_encoding.h"
#include "helpdesk/jira/jira_json_support.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace helpdesk::rt {
namespace {

// RT writes ids as strings or numbers depending on the endpoint, as Jira
// does: the same reader, and the same writer helpers.
using jira::json_support::GetId;
using jira::json_support::WriteJson;
using jira::json_support::Writer;
using jira::json_support::WriteString;

bool IsDigits(std::string_view text, size_t max) {
  return !text.empty() && text.size() <= max &&
         std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

tl::unexpected<util::Error> NotA(const char* what, const std::string& why) {
  return util::MakeError(util::ErrorCode::kServerError, fmt::format("the response is not {} ({})", what, why));
}

// Parses `body` as the JSON `what`; an object unless `array`.
util::Status ParseBody(std::string_view body, const char* what, rapidjson::Document& doc) {
  std::string invalid = json::Parse(body, doc);
  if (invalid.empty() && !doc.IsObject()) invalid = "not a JSON object";
  if (!invalid.empty()) {
    std::string detail = ErrorMessage(body);
    return NotA(what, detail.empty() ? invalid : detail);
  }
  return {};
}

// A user field: RT writes {"type":"user","id":"name",…} (expanded with
// the sub-fields asked for), or a plain string.
const rapidjson::Value* UserOf(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsObject()) return nullptr;
  return &it->value;
}

long long DateOf(const rapidjson::Value& object, const char* key) {
  // RT writes W3CDTF in UTC ("2026-11-24T12:34:56Z"); an unset date is the
  // epoch, which reads as 0 as well.
  std::optional<long long> ms = jira::ParseJiraTime(json::GetString(object, key));
  return ms ? *ms : 0;
}

// The items of a collection page, which must be an array.
util::Result<const rapidjson::Value*> ItemsOf(const rapidjson::Document& doc, const char* what, Page* page) {
  const rapidjson::Value* items = json::GetArray(doc, "items");
  if (items == nullptr) return NotA(what, "no items array");
  if (page != nullptr) page->items = items->Size();
  return items;
}

}  // namespace

bool IsSafeMarker(std::string_view marker) {
  return !marker.empty() && marker.size() <= 64 && std::all_of(marker.begin(), marker.end(), [](char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-';
  });
}

bool IsTicketId(std::string_view key) { return IsDigits(key, 18) && key.front() != '0'; }

std::string KeyOf(const std::string& ticket_id) { return "#" + ticket_id; }

std::optional<std::string> IdOfKey(std::string_view key) {
  if (!key.empty() && key.front() == '#') key.remove_prefix(1);
  if (!IsTicketId(key)) return std::nullopt;
  return std::string(key);
}

std::string MarkerQuery(const std::string& queue, const std::string& field, const std::string& marker) {
  return fmt::format("Queue = '{}' AND CF.{{{}}} = '{}'", queue, field, marker);
}

std::string ChangedSinceQuery(const std::string& queue, long long since_ms) {
  constexpr long long kDayMs = 24LL * 3600 * 1000;
  return fmt::format("Queue = '{}' AND LastUpdated >= '{}'", queue, SqlDate(std::max(0LL, since_ms - kDayMs)));
}

std::string TicketTransactionsQuery(const std::string& ticket_id, long long after_id) {
  return fmt::format("ObjectType = 'RT::Ticket' AND ObjectId = {} AND id > {}", ticket_id, after_id);
}

std::string OwnCorrespondenceQuery(const std::string& ticket_id, const std::string& bot_name) {
  // A user name is RT's, not ours: one that would break out of the quotes
  // is left out of the query (the caller filters by Creator anyway).
  if (bot_name.empty() || bot_name.find_first_of("'\\") != std::string::npos) {
    return fmt::format("ObjectType = 'RT::Ticket' AND ObjectId = {} AND Type = 'Correspond'", ticket_id);
  }
  return fmt::format("ObjectType = 'RT::Ticket' AND ObjectId = {} AND Type = 'Correspond' AND Creator = '{}'",
                     ticket_id, bot_name);
}

std::string SqlDate(long long epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  return text;
}

std::string CreateTicketBody(const std::string& queue, const std::string& requestor, const std::string& subject,
                             const std::string& content, const std::string& marker_field, const std::string& marker) {
  return WriteJson([&](Writer& w) {
    w.StartObject();
    w.Key("Queue");
    WriteString(w, queue);
    if (!requestor.empty()) {
      w.Key("Requestor");
      WriteString(w, requestor);
    }
    w.Key("Subject");
    WriteString(w, subject);
    w.Key("Content");
    WriteString(w, content);
    w.Key("ContentType");
    w.String("text/plain");
    w.Key("CustomFields");
    w.StartObject();
    WriteString(w, marker_field);
    WriteString(w, marker);
    w.EndObject();
    w.EndObject();
  });
}

std::string CorrespondBody(const std::string& content) {
  return WriteJson([&](Writer& w) {
    w.StartObject();
    w.Key("Content");
    WriteString(w, content);
    w.Key("ContentType");
    w.String("text/plain");
    w.EndObject();
  });
}

util::Result<WireUser> ParseUser(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseBody(body, "an RT user", doc); !ok) return tl::make_unexpected(ok.error());
  WireUser user;
  user.id = GetId(doc, "id");
  user.name = json::GetString(doc, "Name");
  user.email = json::GetString(doc, "EmailAddress");
  user.real_name = json::GetString(doc, "RealName");
  user.time_zone = json::GetString(doc, "Timezone");
  if (user.id.empty() || user.name.empty()) return NotA("an RT user", "no id or Name");
  return user;
}

util::Result<WireQueue> ParseQueue(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseBody(body, "an RT queue", doc); !ok) return tl::make_unexpected(ok.error());
  WireQueue queue;
  queue.id = GetId(doc, "id");
  queue.name = json::GetString(doc, "Name");
  queue.disabled = json::GetInt(doc, "Disabled", 0) != 0 || GetId(doc, "Disabled") == "1";
  if (queue.id.empty() || queue.name.empty()) return NotA("an RT queue", "no id or Name");
  if (const auto* fields = json::GetArray(doc, "TicketCustomFields")) {
    for (const auto& field : fields->GetArray()) {
      std::string name = json::GetString(field, "name");
      if (!name.empty()) queue.ticket_custom_fields.push_back(std::move(name));
    }
  }
  return queue;
}

util::Result<std::string> ParseCreatedId(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseBody(body, "a created ticket", doc); !ok) return tl::make_unexpected(ok.error());
  std::string id = GetId(doc, "id");
  if (!IsTicketId(id)) return NotA("a created ticket", "no ticket id");
  return id;
}

std::optional<std::string> IdFromLocation(std::string_view location, std::string_view type) {
  std::string needle = "/" + std::string(type) + "/";
  size_t at = location.rfind(needle);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view id = util::TrimView(location.substr(at + needle.size()));
  while (!id.empty() && id.back() == '/') id.remove_suffix(1);
  if (!IsTicketId(id)) return std::nullopt;
  return std::string(id);
}

namespace {

WireTicket TicketOf(const rapidjson::Value& item, const std::string& marker_field) {
  WireTicket ticket;
  ticket.id = GetId(item, "id");
  ticket.subject = json::GetString(item, "Subject");
  ticket.status = json::GetString(item, "Status");
  ticket.last_updated_ms = DateOf(item, "LastUpdated");
  if (const auto* requestors = json::GetArray(item, "Requestor")) {
    for (const auto& requestor : requestors->GetArray()) {
      std::string id = requestor.IsString() ? std::string(requestor.GetString(), requestor.GetStringLength())
                                            : GetId(requestor, "id");
      if (!id.empty()) ticket.requestors.push_back(std::move(id));
    }
  }
  if (const auto* fields = json::GetArray(item, "CustomFields")) {
    for (const auto& field : fields->GetArray()) {
      if (util::Lower(json::GetString(field, "name")) != util::Lower(marker_field)) continue;
      if (const auto* values = json::GetArray(field, "values")) {
        for (const auto& value : values->GetArray()) {
          if (value.IsString()) ticket.marker_values.emplace_back(value.GetString(), value.GetStringLength());
        }
      }
    }
  }
  return ticket;
}

}  // namespace

util::Result<WireTicket> ParseTicket(std::string_view body, const std::string& marker_field) {
  rapidjson::Document doc;
  if (auto ok = ParseBody(body, "an RT ticket", doc); !ok) return tl::make_unexpected(ok.error());
  WireTicket ticket = TicketOf(doc, marker_field);
  if (!IsTicketId(ticket.id)) return NotA("an RT ticket", "no ticket id");
  return ticket;
}

util::Result<std::vector<WireTicket>> ParseTicketPage(std::string_view body, Page* page) {
  rapidjson::Document doc;
  if (auto ok = ParseBody(body, "a page of tickets", doc); !ok) return tl::make_unexpected(ok.error());
  auto items = ItemsOf(doc, "a page of tickets", page);
  if (!items) return tl::make_unexpected(items.error());
  std::vector<WireTicket> tickets;
  for (const auto& item : (*items)->GetArray()) {
    WireTicket ticket = TicketOf(item, "");
    if (IsTicketId(ticket.id)) tickets.push_back(std::move(ticket));
  }
  return tickets;
}

util::Result<std::vector<WireTransaction>> ParseTransactionPage(std::string_view body, Page* page) {
  rapidjson::Document doc;
  if (auto ok = ParseBody(body, "a page of transactions", doc); !ok) return tl::make_unexpected(ok.error());
  auto items = ItemsOf(doc, "a page of transactions", page);
  if (!items) return tl::make_unexpected(items.error());
  std::vector<WireTransaction> transactions;
  for (const auto& item : (*items)->GetArray()) {
    std::string id = GetId(item, "id");
    if (!IsTicketId(id)) continue;  // a null (hidden) item, or garbage
    WireTransaction txn;
    txn.id = std::stoll(id);
    txn.type = json::GetString(item, "Type");
    txn.field = json::GetString(item, "Field");
    txn.new_value = json::GetString(item, "NewValue");
    txn.created_ms = DateOf(item, "Created");
    txn.object_id = GetId(item, "ObjectId");
    if (const auto* creator = UserOf(item, "Creator")) {
      txn.creator_name = json::GetString(*creator, "Name");
      if (txn.creator_name.empty()) txn.creator_name = GetId(*creator, "id");
      txn.creator_real_name = json::GetString(*creator, "RealName");
    } else {
      txn.creator_name = json::GetString(item, "Creator");
    }
    transactions.push_back(std::move(txn));
  }
  return transactions;
}

util::Result<std::vector<WireAttachment>> ParseAttachmentPage(std::string_view body, Page* page) {
  rapidjson::Document doc;
  if (auto ok = ParseBody(body, "a page of attachments", doc); !ok) return tl::make_unexpected(ok.error());
  auto items = ItemsOf(doc, "a page of attachments", page);
  if (!items) return tl::make_unexpected(items.error());
  std::vector<WireAttachment> attachments;
  for (const auto& item : (*items)->GetArray()) {
    WireAttachment attachment;
    attachment.id = GetId(item, "id");
    std::string transaction = GetId(item, "TransactionId");
    if (!IsTicketId(attachment.id) || !IsTicketId(transaction)) continue;  // a null (hidden) item, or garbage
    attachment.transaction_id = std::stoll(transaction);
    attachment.filename = json::GetString(item, "Filename");
    attachment.content_type = json::GetString(item, "ContentType");
    attachment.content = json::GetString(item, "Content");
    std::string length = GetId(item, "ContentLength");
    attachment.size = IsDigits(length, 15) ? std::stoll(length) : 0;
    attachment.created_ms = DateOf(item, "Created");
    if (const auto* creator = UserOf(item, "Creator")) {
      attachment.creator_name = json::GetString(*creator, "Name");
      if (attachment.creator_name.empty()) attachment.creator_name = GetId(*creator, "id");
      attachment.creator_real_name = json::GetString(*creator, "RealName");
    } else {
      attachment.creator_name = json::GetString(item, "Creator");
    }
    attachments.push_back(std::move(attachment));
  }
  return attachments;
}

Attachment FileOfMessage(const WireAttachment& part, const WireTransaction& message) {
  Attachment attachment;
  attachment.id = part.id;
  attachment.name = part.filename;
  attachment.mime_type = part.content_type;
  attachment.size = part.size;
  attachment.author_id = part.creator_name.empty() ? message.creator_name : part.creator_name;
  const std::string& real_name = part.creator_name.empty() ? message.creator_real_name : part.creator_real_name;
  attachment.author_name = real_name.empty() ? attachment.author_id : real_name;
  attachment.is_public = true;
  attachment.created_ms = part.created_ms > 0 ? part.created_ms : message.created_ms;
  return attachment;
}

std::optional<WireAttachment> MessageTextPart(const std::vector<WireAttachment>& parts) {
  for (const WireAttachment& part : parts) {
    // "text/plain; charset=utf-8" as well. With its content: not blank;
    // without it (a part list asked without Content): not empty.
    bool has_text = part.content.empty() ? part.size > 0 : !util::TrimView(part.content).empty();
    if (part.filename.empty() && has_text && util::StartsWith(util::Lower(part.content_type), "text/plain")) {
      return part;
    }
  }
  return std::nullopt;
}

std::string ErrorMessage(std::string_view body) {
  rapidjson::Document doc;
  if (json::Parse(body, doc).empty() && doc.IsArray()) {
    std::string joined;
    for (const auto& item : doc.GetArray()) {
      if (!item.IsString() || item.GetStringLength() == 0) continue;
      if (!joined.empty()) joined += "; ";
      joined.append(item.GetString(), item.GetStringLength());
    }
    return joined;
  }
  return jira::ErrorMessageFromBody(body);
}

TicketStatus StatusFromRt(const std::string& status) {
  std::string lower = util::Lower(status);
  StatusCategory category = StatusCategory::kUnknown;
  if (lower == "new") {
    category = StatusCategory::kNew;
  } else if (lower == "open" || lower == "stalled") {
    category = StatusCategory::kInProgress;
  } else if (lower == "resolved" || lower == "rejected" || lower == "deleted") {
    category = StatusCategory::kDone;
  }
  return TicketStatus{category, status};
}

}  // namespace helpdesk::rt
