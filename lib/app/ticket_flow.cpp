#include "app/ticket_flow.h"

#include <cctype>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridge/flow.h"
#include "bridge/text.h"
#include "slack/interactions.h"
#include "slack/messages.h"
#include "store/sql.h"
#include "util/clock.h"
#include "util/json_util.h"
#include "util/log.h"

namespace app {
namespace {

using json::GetString;

std::string SlackLane(const std::string& channel) { return "slack:" + channel; }

// Subtypes that carry a person's words; the rest is housekeeping.
bool IsUserMessage(const slack::MessageEvent& m) {
  return m.subtype.empty() || m.subtype == "file_share" || m.subtype == "thread_broadcast";
}

// The string fields of an intent's payload or result, parsed once.
class Fields {
 public:
  explicit Fields(const std::string& json) {
    doc_.Parse(json.c_str());
    if (doc_.HasParseError() || !doc_.IsObject()) doc_.SetObject();
  }
  std::string operator[](const char* key) const { return GetString(doc_, key); }

 private:
  rapidjson::Document doc_;
};

std::string JsonObject(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ',';
    out += json::Quote(key) + ":" + json::Quote(value);
  }
  return out + "}";
}

slack::TicketView View(const store::LinkRecord& link) {
  return slack::TicketView{link.ticket_key, link.summary, link.status, link.web_url};
}

}  // namespace

TicketFlow::TicketFlow(const config::Config& config, store::Store& store, std::function<void(std::string)> open_form)
    : config_(config), store_(store), tickets_(store), outbox_(store), open_form_(std::move(open_form)) {}

slack::socket_mode::AckDecision TicketFlow::Decide(const slack::socket_mode::Frame& frame) const {
  if (frame.type != "interactive") return {};
  auto form = slack::ParseFormSubmission(frame.payload_json);
  if (!form || form->callback_id != bridge::kRequestCallback) return {};
  std::string problem = bridge::ValidateSummary(form->summary);
  if (problem.empty()) return {};  // a bare ack closes the form
  return slack::socket_mode::AckDecision{false, slack::FieldErrorResponse("summary", problem)};
}

util::Status TicketFlow::Add(const store::Intent& intent) {
  auto added = outbox_.Add(intent, util::WallMillisNow());
  if (!added) return tl::make_unexpected(added.error());
  return util::Ok();
}

util::Status TicketFlow::Notice(const std::string& key, const std::string& channel, const std::string& thread_ts,
                                const std::string& text) {
  return Add({key, kPostMessage, SlackLane(channel), slack::TextMessage(channel, thread_ts, text, key)});
}

util::Status TicketFlow::Handle(const std::vector<store::InboxItem>& items) {
  // One commit for the batch: each commit waits for the disk, and the acks
  // of envelopes still arriving wait behind it on this thread.
  store::Transaction transaction(store_.Handle(), "handle envelopes");
  if (auto begun = transaction.Begun(); !begun) return begun;
  for (const store::InboxItem& item : items) {
    util::Status handled = util::Ok();
    if (item.kind == "events_api") {
      handled = HandleMessage(item.payload_json);
    } else if (item.kind == "interactive") {
      handled = HandleInteraction(item.payload_json, item.envelope_id);
    } else {
      util::log::Info("envelope={} kind={} is not something slackdesk acts on; skipped", item.envelope_id, item.kind);
    }
    if (!handled) return handled;
    if (auto done = store_.MarkInboxDone(item.id); !done) return done;
  }
  return transaction.Commit();
}

util::Status TicketFlow::HandleReply(const slack::MessageEvent& message, bool edit) {
  // Top-level messages are not replies; a thread's parent has ts == thread_ts.
  if (message.thread_ts.empty() || message.thread_ts == message.ts) return util::Ok();
  auto link = tickets_.FindLinkByThread(message.channel, message.thread_ts);
  if (!link) return tl::make_unexpected(link.error());
  if (!*link) return util::Ok();  // not a ticket's thread
  std::string id = message.channel + ":" + message.ts + (edit ? ":" + message.edited_ts : "");
  std::string marker = "slackdesk" + std::string(edit ? "edit" : "msg");
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c))) marker += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto field = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  field("key", (*link)->ticket_key);
  field("marker", marker);
  field("user", message.user);
  field("text", bridge::StripBotMention(message.text, bot_user_id_));
  field("channel", message.channel);
  field("ts", message.ts);
  field("edit", edit ? "true" : "false");
  w.Key("files");
  w.StartArray();
  for (const auto& file : message.files) {
    w.StartObject();
    field("name", file.name);
    field("permalink", file.permalink);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  util::log::Info("{} in channel={} thread={} by user={} goes to ticket={}", edit ? "edited reply" : "reply",
                  message.channel, message.thread_ts, message.user, (*link)->ticket_key);
  // One lane per ticket: its comments arrive in the order they were written.
  return Add({std::string(edit ? "edit:" : "comment:") + id, kAddComment, "helpdesk:" + (*link)->ticket_key,
              buffer.GetString()});
}

util::Status TicketFlow::HandleMessage(const std::string& payload) {
  auto message = slack::ParseMessageEvent(payload);
  // The bot's own messages (and any bot's) never go anywhere.
  if (!message || !message->bot_id.empty() || message->user.empty() || message->user == bot_user_id_) {
    return util::Ok();
  }
  if (message->subtype == "message_changed") {
    if (message->edited_ts.empty() || message->text == message->previous_text) return util::Ok();
    return HandleReply(*message, true);
  }
  if (!IsUserMessage(*message)) return util::Ok();
  bool mentions_bot = message->type == "app_mention" || message->text.find("<@" + bot_user_id_) != std::string::npos;
  if (!mentions_bot) return HandleReply(*message, false);
  std::string thread_ts = message->thread_ts.empty() ? message->ts : message->thread_ts;
  auto link = tickets_.FindLinkByThread(message->channel, thread_ts);
  if (!link) return tl::make_unexpected(link.error());
  std::string where = message->channel + ":" + message->ts;
  switch (bridge::DecideMention(message->user, bot_user_id_, config_.IsChannelAllowed(message->channel),
                                link->has_value())) {
    case bridge::MentionDecision::kIgnore:
      return util::Ok();
    case bridge::MentionDecision::kNotEnabled:
      util::log::Info("mention in channel={} which is not in allowed_channels; telling user={} only",
                      message->channel, message->user);
      return Add({"notenabled:" + where, kPostEphemeral, SlackLane(message->channel),
                  slack::EphemeralMessage(message->channel, message->user, message->thread_ts,
                                          "slackdesk is not enabled in this channel. Please ask in one of the "
                                          "support channels, or ask an admin to add this one.")});
    case bridge::MentionDecision::kShowTicket: {
      // A mention in the ticket's thread is a reply too: it reaches the ticket.
      if (auto reply = HandleReply(*message, false); !reply) return reply;
      std::string key = "existing:" + where;
      return Add({key, kPostMessage, SlackLane(message->channel),
                  slack::ExistingTicketMessage(message->channel, thread_ts, View(**link), key)});
    }
    case bridge::MentionDecision::kOfferForm:
      util::log::Info("mention channel={} thread={} user={}: offering the request form", message->channel,
                      thread_ts, message->user);
      return Add({"offer:" + where, kOfferForm, SlackLane(message->channel),
                  JsonObject({{"channel", message->channel}, {"thread_ts", thread_ts}, {"ts", message->ts},
                              {"user", message->user}, {"text", message->text}, {"bot_user_id", bot_user_id_}})});
  }
  return util::Ok();
}

util::Status TicketFlow::HandleInteraction(const std::string& payload, const std::string& envelope_id) {
  if (auto click = slack::ParseButtonClick(payload)) {
    if (click->action_id != bridge::kOpenFormAction) return util::Ok();
    auto thread = bridge::DecodeThread(click->value);
    if (!thread) {
      util::log::Warn("envelope={}: button value '{}' names no thread; ignored", envelope_id, click->value);
      return util::Ok();
    }
    auto link = tickets_.FindLinkByThread(thread->channel, thread->thread_ts);
    if (!link) return tl::make_unexpected(link.error());
    if (*link) {
      return Add({"click:" + envelope_id, kPostEphemeral, SlackLane(thread->channel),
                  slack::EphemeralMessage(thread->channel, click->user, thread->thread_ts,
                                          "This thread already has a ticket: " + (*link)->ticket_key + " " +
                                              (*link)->web_url)});
    }
    auto mention = tickets_.FindMention(thread->channel, thread->thread_ts);
    if (!mention) return tl::make_unexpected(mention.error());
    std::string summary = *mention ? (*mention)->summary : "";
    std::string description = *mention ? (*mention)->description : "";
    util::log::Info("channel={} thread={} user={}: opening the request form", thread->channel, thread->thread_ts,
                    click->user);
    open_form_(slack::RequestForm(click->trigger_id, summary, description, bridge::EncodeThread(*thread)));
    return util::Ok();
  }
  auto form = slack::ParseFormSubmission(payload);
  if (!form || form->callback_id != bridge::kRequestCallback) return util::Ok();
  auto thread = bridge::DecodeThread(form->private_metadata);
  if (!thread || !bridge::ValidateSummary(form->summary).empty()) {
    util::log::Warn("envelope={}: form view={} without a thread or summary; ignored", envelope_id, form->view_id);
    return util::Ok();
  }
  util::log::Info("form view={} submitted by user={} for channel={} thread={}: creating the ticket", form->view_id,
                  form->user, thread->channel, thread->thread_ts);
  // One lane per thread: two forms of one thread run one after the other,
  // so the second sees the first one's ticket (Precheck).
  return Add({"create:" + form->view_id, kCreateTicket, "create:" + thread->channel + ":" + thread->thread_ts,
              JsonObject({{"view_id", form->view_id}, {"channel", thread->channel}, {"thread_ts", thread->thread_ts},
                          {"user", form->user}, {"summary", form->summary}, {"description", form->description},
                          {"severity", form->severity.empty() ? bridge::kDefaultSeverity : form->severity},
                          {"marker", bridge::TicketMarker(form->view_id)}})});
}

std::optional<Outcome> TicketFlow::Precheck(const store::OutboxItem& item) {
  if (item.intent.kind != kCreateTicket) return std::nullopt;
  Fields payload(item.intent.payload);
  auto link = tickets_.FindLinkByThread(payload["channel"], payload["thread_ts"]);
  if (!link || !*link) return std::nullopt;
  // Already linked: no second ticket; OnDone answers with the existing one.
  return Outcome::Done("{}");
}

util::Status TicketFlow::OnDone(const store::OutboxItem& item, const std::string& result) {
  Fields payload(item.intent.payload);
  Fields outcome(result);
  std::string channel = payload["channel"];
  if (item.intent.kind == kOfferForm) {
    std::string thread_ts = payload["thread_ts"];
    std::string user = payload["user"];
    store::MentionRecord mention{channel, thread_ts, payload["ts"], user, outcome["summary"],
                                 outcome["description"], util::WallMillisNow()};
    if (auto saved = tickets_.SaveMention(mention); !saved) return saved;
    std::string key = "prompt:" + channel + ":" + mention.mention_ts;
    return Add({key, kPostMessage, SlackLane(channel),
                slack::PromptMessage(channel, thread_ts, user, bridge::EncodeThread({channel, thread_ts}), key)});
  }
  if (item.intent.kind == kCreateTicket) {
    std::string thread_ts = payload["thread_ts"];
    std::string view_id = payload["view_id"];
    helpdesk::Ticket ticket = TicketFromJson(result);
    bool inserted = false;
    if (!ticket.key.empty()) {
      auto insert = tickets_.InsertLink(store::LinkRecord{channel, thread_ts, ticket.key, ticket.id, ticket.web_url,
                                                          ticket.summary, ticket.status, ticket.status_category, "",
                                                          util::WallMillisNow(), "", 0});
      if (!insert) return tl::make_unexpected(insert.error());
      inserted = *insert;
      if (inserted && on_link_added_) on_link_added_();
    }
    auto link = tickets_.FindLinkByThread(channel, thread_ts);
    if (!link) return tl::make_unexpected(link.error());
    if (!*link) return util::Ok();
    std::string key = (inserted ? "confirm:" : "existing:") + view_id;
    std::string body = inserted ? slack::ConfirmationMessage(channel, thread_ts, View(**link), key)
                                : slack::ExistingTicketMessage(channel, thread_ts, View(**link), key);
    return Add({key, kPostMessage, SlackLane(channel), body});
  }
  if (item.intent.kind == kPostMessage && item.intent.key.rfind("confirm:", 0) == 0) {
    auto link = tickets_.FindLinkByThread(channel, payload["thread_ts"]);
    if (!link) return tl::make_unexpected(link.error());
    if (*link) return tickets_.SetConfirmationTs((*link)->ticket_key, outcome["ts"]);
  }
  return util::Ok();
}

util::Status TicketFlow::OnRetry(const store::OutboxItem& item, const Outcome& outcome) {
  if (item.intent.kind != kCreateTicket) return util::Ok();
  // Tell the customer once that the request is safe and waiting.
  Fields payload(item.intent.payload);
  return Notice("queued:" + payload["view_id"], payload["channel"], payload["thread_ts"],
                ":hourglass_flowing_sand: The helpdesk is not answering right now (" +
                    std::string(util::ErrorCodeName(outcome.error.code)) +
                    "). Your request is saved and queued; I'll post the ticket here as soon as it is created.");
}

util::Status TicketFlow::OnFailed(const store::OutboxItem& item, const util::Error& error) {
  if (item.intent.kind != kCreateTicket) return util::Ok();
  Fields payload(item.intent.payload);
  return Notice("failed:" + payload["view_id"], payload["channel"], payload["thread_ts"],
                ":warning: Sorry, the helpdesk refused this request: " + error.message +
                    ". Please check the details and press Submit request again, or contact support directly.");
}

}  // namespace app
