#include "slack/messages.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridge/form.h"
#include "bridge/safe_link.h"
#include "bridge/text.h"
#include "slack/mrkdwn.h"
#include "util/strings.h"

namespace slack {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using bridge::TruncateChars;

// Longer than any real display name (Jira's and Slack's are at most 255).
constexpr size_t kNameMaxChars = 255;

void Str(Writer& w, const std::string& text) { w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size())); }

void Key(Writer& w, const char* key) { w.Key(key); }

// One "key": value member.
void Field(Writer& w, const char* key, const std::string& text) {
  Key(w, key);
  Str(w, text);
}
void Field(Writer& w, const char* key, const char* text) {
  Key(w, key);
  w.String(text);
}
void Field(Writer& w, const char* key, bool value) {
  Key(w, key);
  w.Bool(value);
}
void Field(Writer& w, const char* key, int value) {
  Key(w, key);
  w.Int(value);
}

void Text(Writer& w, const char* type, const std::string& text, size_t max) {
  w.StartObject();
  Field(w, "type", type);
  Field(w, "text", TruncateChars(text, max));
  if (std::string(type) == "plain_text") Field(w, "emoji", true);
  w.EndObject();
}

void Section(Writer& w, const std::string& mrkdwn) {
  w.StartObject();
  Field(w, "type", "section");
  Key(w, "text");
  Text(w, "mrkdwn", mrkdwn, 3000);
  w.EndObject();
}

void Context(Writer& w, const std::string& mrkdwn) {
  w.StartObject();
  Field(w, "type", "context");
  Key(w, "elements");
  w.StartArray();
  Text(w, "mrkdwn", mrkdwn, 3000);
  w.EndArray();
  w.EndObject();
}

// Where a message goes and its text: the fields chat.postMessage and
// chat.postEphemeral share.
void MessageHead(Writer& w, const std::string& channel, const std::string& thread_ts, const std::string& text) {
  Field(w, "channel", channel);
  if (!thread_ts.empty()) Field(w, "thread_ts", thread_ts);  // a string: a float loses precision
  Field(w, "text", TruncateChars(text, 3000));
}

// Opens a chat.postMessage body up to the blocks array.
void BeginMessage(Writer& w, const std::string& channel, const std::string& thread_ts, const std::string& fallback,
                  const std::string& metadata_key) {
  w.StartObject();
  MessageHead(w, channel, thread_ts, fallback);
  Field(w, "unfurl_links", false);
  if (!metadata_key.empty()) {
    Key(w, "metadata");
    w.StartObject();
    Field(w, "event_type", "slackdesk");
    Key(w, "event_payload");
    w.StartObject();
    Field(w, "key", metadata_key);
    w.EndObject();
    w.EndObject();
  }
}

std::string Finish(rapidjson::StringBuffer& buffer) { return std::string(buffer.GetString(), buffer.GetSize()); }

// A JSON object being written: open from the start, closed by Done().
struct Body {
  Body() { w.StartObject(); }
  std::string Done() {
    w.EndObject();
    return Finish(buffer);
  }
  rapidjson::StringBuffer buffer;
  Writer w{buffer};
};

// The ticket's key, linked to its page when the helpdesk gave a URL we can
// link to (LinkMrkdwn, which also keeps a hostile URL inside its token).
std::string TicketLinkMrkdwn(const TicketView& ticket) {
  if (!bridge::HasSafeScheme(ticket.web_url)) return "*" + EscapeMrkdwnLine(ticket.key) + "*";
  return "*" + LinkMrkdwn(ticket.web_url, ticket.key) + "*";
}

// Every text from outside (summary, status, key, URL: a customer typed the
// summary) goes through EscapeMrkdwnLine or LinkMrkdwn, in the blocks and
// in the `text` fallback alike: Slack reads both as mrkdwn.
std::string TicketMessage(const std::string& channel, const std::string& thread_ts, const TicketView& ticket,
                          const std::string& metadata_key, const std::string& lead, const std::string& fallback_lead) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  std::string fallback = fallback_lead + " " + EscapeMrkdwnLine(ticket.key) + ": " + EscapeMrkdwnLine(ticket.summary) +
                         " (" + EscapeMrkdwnLine(ticket.status) + ")";
  if (bridge::HasSafeScheme(ticket.web_url)) fallback += " " + LinkMrkdwn(ticket.web_url, "");
  BeginMessage(w, channel, thread_ts, fallback, metadata_key);
  Key(w, "blocks");
  w.StartArray();
  Section(w, lead + " " + TicketLinkMrkdwn(ticket) + "\n" + EscapeMrkdwnLine(ticket.summary));
  Context(w, "Status: *" + EscapeMrkdwnLine(ticket.status) + "*  ·  Replies in this thread are added to the ticket.");
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

void InputBlock(Writer& w, const char* block_id, const char* label, bool optional) {
  Field(w, "type", "input");
  Field(w, "block_id", block_id);
  Field(w, "optional", optional);
  Key(w, "label");
  Text(w, "plain_text", label, 2000);
}

// An input block holding a plain_text_input whose action_id is "value".
void TextInput(Writer& w, const char* block_id, const char* label, bool optional, bool multiline, size_t max_chars,
               const std::string& initial) {
  w.StartObject();
  InputBlock(w, block_id, label, optional);
  Key(w, "element");
  w.StartObject();
  Field(w, "type", "plain_text_input");
  Field(w, "action_id", "value");
  if (multiline) Field(w, "multiline", true);
  Field(w, "max_length", static_cast<int>(max_chars));
  if (!initial.empty()) Field(w, "initial_value", TruncateChars(initial, max_chars));
  w.EndObject();
  w.EndObject();
}

void Option(Writer& w, const std::string& name) {
  w.StartObject();
  Key(w, "text");
  Text(w, "plain_text", name, 75);
  Field(w, "value", name);
  w.EndObject();
}

// A Slack user id: "U" (or "W" on Enterprise Grid) and upper-case letters
// and digits. Anything else in <@…> could close the token and open another.
bool IsUserId(const std::string& id) {
  if (id.size() < 3 || id.size() > 32 || (id[0] != 'U' && id[0] != 'W')) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

std::string PromptMessage(const std::string& channel, const std::string& thread_ts, const std::string& user,
                          const std::string& button_value, const std::string& metadata_key) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  BeginMessage(w, channel, thread_ts, "I can turn this into a support request: press Submit request.", metadata_key);
  Key(w, "blocks");
  w.StartArray();
  // The only live mention any post carries: ours, of the user who asked,
  // and only when the id has a user id's shape.
  std::string greeting = IsUserId(user) ? "Hi <@" + user + ">!" : "Hi!";
  Section(w, greeting + " I can turn this into a support request. Press *Submit request*, check the details, and I'll post the ticket right here.");
  w.StartObject();
  Field(w, "type", "actions");
  Field(w, "block_id", "slackdesk_prompt");
  Key(w, "elements");
  w.StartArray();
  w.StartObject();
  Field(w, "type", "button");
  Field(w, "action_id", bridge::kOpenFormAction);
  Field(w, "style", "primary");
  Key(w, "text");
  Text(w, "plain_text", "Submit request", 75);
  Field(w, "value", TruncateChars(button_value, 2000));
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

std::string ConfirmationMessage(const std::string& channel, const std::string& thread_ts, const TicketView& ticket,
                                const std::string& metadata_key) {
  return TicketMessage(channel, thread_ts, ticket, metadata_key, ":white_check_mark: Created", "Created");
}

std::string ExistingTicketMessage(const std::string& channel, const std::string& thread_ts, const TicketView& ticket,
                                  const std::string& metadata_key) {
  return TicketMessage(channel, thread_ts, ticket, metadata_key, "This thread already has a ticket:",
                       "This thread already has a ticket:");
}

std::string AgentCommentMessage(const std::string& channel, const std::string& thread_ts, const std::string& agent,
                                const std::string& ticket_key, const std::string& mrkdwn,
                                const std::string& part_label, const std::string& metadata_key) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  // The name and key are outside text, cut to a name's length first (a
  // long comment is posted in many parts, each naming them); `mrkdwn` is
  // RenderMrkdwn's output, escaped already.
  std::string who = EscapeMrkdwnLine(TruncateChars(agent, kNameMaxChars));
  if (util::TrimView(who).empty()) who = "Support";
  std::string key = EscapeMrkdwnLine(TruncateChars(ticket_key, kNameMaxChars));
  BeginMessage(w, channel, thread_ts, who + " (" + key + "): " + mrkdwn, metadata_key);
  Key(w, "blocks");
  w.StartArray();
  Context(w, ":speech_balloon: *" + who + "* replied on " + key + (part_label.empty() ? "" : " " + part_label));
  Section(w, mrkdwn.empty() ? " " : mrkdwn);
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

std::string ConfirmationUpdate(const std::string& channel, const std::string& ts, const TicketView& ticket) {
  // The same blocks as the confirmation, addressed by ts instead of thread.
  rapidjson::Document body;
  body.Parse(ConfirmationMessage(channel, "", ticket, "").c_str());
  body.AddMember("ts", rapidjson::Value(ts.c_str(), body.GetAllocator()), body.GetAllocator());
  body.RemoveMember("unfurl_links");
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  body.Accept(w);
  return Finish(buffer);
}

std::string TextMessage(const std::string& channel, const std::string& thread_ts, const std::string& text,
                        const std::string& metadata_key) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  // Notices carry helpdesk error texts: escaped in the fallback too.
  std::string escaped = EscapeMrkdwn(text);
  BeginMessage(w, channel, thread_ts, escaped, metadata_key);
  Key(w, "blocks");
  w.StartArray();
  Section(w, escaped);
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

std::string EphemeralMessage(const std::string& channel, const std::string& user, const std::string& thread_ts,
                             const std::string& text) {
  Body body;
  Writer& w = body.w;
  MessageHead(w, channel, thread_ts, EscapeMrkdwn(text));
  Field(w, "user", user);
  return body.Done();
}

std::string RequestForm(const std::string& trigger_id, const std::string& summary, const std::string& description,
                        const std::string& private_metadata) {
  Body body;
  Writer& w = body.w;
  Field(w, "trigger_id", trigger_id);
  Key(w, "view");
  w.StartObject();
  Field(w, "type", "modal");
  Field(w, "callback_id", bridge::kRequestCallback);
  Field(w, "private_metadata", TruncateChars(private_metadata, 3000));
  Key(w, "title");
  Text(w, "plain_text", "Support request", 24);
  Key(w, "submit");
  Text(w, "plain_text", "Create", 24);
  Key(w, "close");
  Text(w, "plain_text", "Cancel", 24);
  Key(w, "blocks");
  w.StartArray();

  TextInput(w, "summary", "Summary", false, false, bridge::kSummaryMaxChars, summary);
  TextInput(w, "description", "Description", true, true, bridge::kDescriptionMaxChars, description);

  w.StartObject();
  InputBlock(w, "severity", "Severity", false);
  Key(w, "element");
  w.StartObject();
  Field(w, "type", "static_select");
  Field(w, "action_id", "value");
  Key(w, "options");
  w.StartArray();
  for (const std::string& severity : bridge::kSeverities) Option(w, severity);
  w.EndArray();
  Key(w, "initial_option");
  Option(w, bridge::kDefaultSeverity);
  w.EndObject();
  w.EndObject();

  w.EndArray();
  w.EndObject();
  return body.Done();
}

std::string FieldErrorResponse(const std::string& block_id, const std::string& message) {
  Body body;
  Writer& w = body.w;
  Field(w, "response_action", "errors");
  Key(w, "errors");
  w.StartObject();
  Field(w, block_id.c_str(), TruncateChars(message, 2000));
  w.EndObject();
  return body.Done();
}

}  // namespace slack
