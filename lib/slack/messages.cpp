#include "slack/messages.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridge/form.h"
#include "bridge/safe_link.h"
#include "bridge/text.h"
#include "slack/block_writer.h"
#include "slack/mrkdwn.h"
#include "util/strings.h"

namespace slack {
namespace {

using block_writer::Body;
using block_writer::Context;
using block_writer::Field;
using block_writer::Finish;
using block_writer::Key;
using block_writer::Section;
using block_writer::Text;
using block_writer::Writer;
using bridge::TruncateChars;

// Longer than any real display name (Jira's and Slack's are at most 255).
constexpr size_t kNameMaxChars = 255;

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

std::string AgentCommentUpdate(const std::string& channel, const std::string& ts, const std::string& agent,
                               const std::string& ticket_key, const std::string& mrkdwn, const std::string& mark) {
  // The relay's own blocks, with the mark where a part label goes,
  // addressed by ts instead of thread; the metadata (its key) is kept.
  rapidjson::Document body;
  body.Parse(AgentCommentMessage(channel, "", agent, ticket_key, mrkdwn, mark, "").c_str());
  body.AddMember("ts", rapidjson::Value(ts.c_str(), body.GetAllocator()), body.GetAllocator());
  body.RemoveMember("unfurl_links");
  body.RemoveMember("metadata");
  body.RemoveMember("thread_ts");
  if (body.HasMember("text") && body["text"].IsString()) {
    std::string text = std::string(body["text"].GetString()) + " " + mark;
    body["text"].SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), body.GetAllocator());
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  body.Accept(w);
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

}  // namespace slack
