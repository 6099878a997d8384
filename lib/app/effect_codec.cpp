#include "app/effect_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "app/files_json.h"
#include "app/links.h"
#include "app/rich_text_json.h"
#include "bridge/overloaded.h"
#include "slack/mrkdwn.h"
#include "util/json_util.h"

namespace app {
namespace {

using bridge::Overloaded;

// Kinds as stored in the outbox's `kind` column.
constexpr const char* kPrepareForm = "prepare_form";
constexpr const char* kPostMessage = "post_message";
constexpr const char* kPostEphemeral = "post_ephemeral";
constexpr const char* kUpdateConfirmation = "update_confirmation";
constexpr const char* kUpdateRelay = "update_relay";
constexpr const char* kCreateTicket = "create_ticket";
constexpr const char* kAddComment = "add_comment";
constexpr const char* kCopyFiles = "copy_files";
constexpr const char* kUploadToSlack = "upload_to_slack";
constexpr const char* kReopenTicket = "reopen_ticket";

// A JSON object written field by field.
class ObjectWriter {
 public:
  ObjectWriter() : writer_(buffer_) { writer_.StartObject(); }
  ObjectWriter& Str(const char* key, const std::string& value) {
    writer_.Key(key);
    writer_.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  ObjectWriter& Int(const char* key, long long value) {
    writer_.Key(key);
    writer_.Int64(value);
    return *this;
  }
  ObjectWriter& Bool(const char* key, bool value) {
    writer_.Key(key);
    writer_.Bool(value);
    return *this;
  }
  // `json` must be one valid JSON value.
  ObjectWriter& Raw(const char* key, const std::string& json) {
    writer_.Key(key);
    writer_.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  // FilesToJson's list.
  ObjectWriter& Files(const std::vector<bridge::SharedFile>& files) { return Raw("files", FilesToJson(files)); }
  // [{"id": …, "kind": "select", "values": […]}, …]
  ObjectWriter& FieldValues(const std::vector<bridge::FieldValue>& fields) {
    writer_.Key("fields");
    writer_.StartArray();
    for (const bridge::FieldValue& field : fields) {
      writer_.StartObject();
      Str("id", field.field_id).Str("kind", std::string(bridge::KindName(field.kind)));
      writer_.Key("values");
      writer_.StartArray();
      for (const std::string& value : field.values)
        writer_.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
      writer_.EndArray();
      writer_.EndObject();
    }
    writer_.EndArray();
    return *this;
  }
  ObjectWriter& Thread(const bridge::ThreadRef& thread) {
    return Str("channel", thread.channel).Str("thread_ts", thread.thread_ts);
  }
  ObjectWriter& View(const bridge::TicketView& view) {
    return Str("ticket_key", view.key)
        .Str("summary", view.summary)
        .Str("status", view.status)
        .Str("web_url", view.web_url);
  }
  std::string Done() {
    writer_.EndObject();
    return buffer_.GetString();
  }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

// Reads fields of one object; any missing or ill-typed field makes ok() false.
class FieldReader {
 public:
  explicit FieldReader(const rapidjson::Value& object) : object_(object) {}
  std::string Str(const char* key) {
    auto it = object_.FindMember(key);
    if (it == object_.MemberEnd() || !it->value.IsString()) return Fail();
    return std::string(it->value.GetString(), it->value.GetStringLength());
  }
  // A field added in a later version: "" when an older record lacks it.
  std::string NewerStr(const char* key) { return object_.HasMember(key) ? Str(key) : std::string(); }
  long long NewerInt(const char* key) { return object_.HasMember(key) ? Int(key) : 0; }
  // Slack ts values joined by ',' (JoinTs).
  std::vector<std::string> List(const char* key) { return SplitTs(Str(key)); }
  // CreateTicket's "fields" (ObjectWriter::FieldValues); none in records
  // written before request types had fields.
  std::vector<bridge::FieldValue> FieldValues() {
    std::vector<bridge::FieldValue> out;
    if (!object_.HasMember("fields")) return out;
    const rapidjson::Value* fields = Array("fields");
    if (fields == nullptr) return out;
    for (const rapidjson::Value& field : fields->GetArray()) {
      if (!field.IsObject()) return Fail(), std::vector<bridge::FieldValue>{};
      FieldReader r(field);
      bridge::FieldValue value{r.Str("id"), bridge::FieldKind::kText, {}};
      std::optional<bridge::FieldKind> kind = bridge::KindNamed(r.Str("kind"));
      if (const rapidjson::Value* values = r.Array("values")) {
        for (const rapidjson::Value& each : values->GetArray()) {
          if (!each.IsString()) return Fail(), std::vector<bridge::FieldValue>{};
          value.values.emplace_back(each.GetString(), each.GetStringLength());
        }
      }
      if (!r.ok() || !kind) return Fail(), std::vector<bridge::FieldValue>{};
      value.kind = *kind;
      out.push_back(std::move(value));
    }
    return out;
  }
  long long Int(const char* key) {
    auto it = object_.FindMember(key);
    if (it == object_.MemberEnd() || !it->value.IsInt64()) return Fail(), 0;
    return it->value.GetInt64();
  }
  bool Bool(const char* key) {
    auto it = object_.FindMember(key);
    if (it == object_.MemberEnd() || !it->value.IsBool()) return Fail(), false;
    return it->value.GetBool();
  }
  bridge::RichText Rich(const char* key) {
    auto it = object_.FindMember(key);
    std::optional<bridge::RichText> text;
    if (it != object_.MemberEnd()) text = RichTextFromJson(it->value);
    if (!text) return Fail(), bridge::RichText{};
    return *text;
  }
  const rapidjson::Value* Array(const char* key) {
    auto it = object_.FindMember(key);
    if (it == object_.MemberEnd() || !it->value.IsArray()) return Fail(), nullptr;
    return &it->value;
  }
  // FilesFromJson's list; none in records written before files were kept
  // when `optional`.
  std::vector<bridge::SharedFile> Files(bool optional = false) {
    if (optional && !object_.HasMember("files")) return {};
    const rapidjson::Value* files = Array("files");
    std::optional<std::vector<bridge::SharedFile>> read;
    if (files != nullptr) read = FilesFromJson(*files);
    if (!read) return Fail(), std::vector<bridge::SharedFile>{};
    return *read;
  }
  bridge::ThreadRef Thread() { return bridge::ThreadRef{Str("channel"), Str("thread_ts")}; }
  bridge::TicketView View() {
    return bridge::TicketView{Str("ticket_key"), Str("summary"), Str("status"), Str("web_url")};
  }
  bool ok() const { return ok_; }

 private:
  std::string Fail() {
    ok_ = false;
    return {};
  }
  const rapidjson::Value& object_;
  bool ok_ = true;
};

std::string EncodeContent(const bridge::PostContent& content) {
  return std::visit(
      Overloaded{
          [](const bridge::PromptContent& c) {
            return ObjectWriter().Str("type", "prompt").Str("user", c.user).Str("button_value", c.button_value).Done();
          },
          [](const bridge::ConfirmationContent& c) {
            return ObjectWriter().Str("type", "confirmation").View(c.ticket).Done();
          },
          [](const bridge::ExistingTicketContent& c) {
            return ObjectWriter().Str("type", "existing").View(c.ticket).Done();
          },
          [](const bridge::NoticeContent& c) {
            return ObjectWriter().Str("type", "notice").Str("text", c.text).Done();
          },
          [](const bridge::AgentCommentContent& c) {
            return ObjectWriter()
                .Str("type", "agent_comment")
                .Str("agent", c.agent)
                .Str("ticket_key", c.ticket_key)
                .Raw("body", RichTextToJson(c.body))
                .Int("created_ms", c.comment_created_ms)
                .Str("comment_id", c.comment_id)
                .Int("updated_ms", c.comment_updated_ms)
                .Done();
          },
      },
      content);
}

std::optional<bridge::PostContent> DecodeContent(const rapidjson::Value& value) {
  if (!value.IsObject()) return std::nullopt;
  FieldReader r(value);
  std::string type = r.Str("type");
  std::optional<bridge::PostContent> content;
  if (type == "prompt") {
    content = bridge::PromptContent{r.Str("user"), r.Str("button_value")};
  } else if (type == "confirmation") {
    content = bridge::ConfirmationContent{r.View()};
  } else if (type == "existing") {
    content = bridge::ExistingTicketContent{r.View()};
  } else if (type == "notice") {
    content = bridge::NoticeContent{r.Str("text")};
  } else if (type == "agent_comment") {
    // comment_id and updated_ms are kept since schema 9.
    content = bridge::AgentCommentContent{r.Str("agent"),           r.Str("ticket_key"),
                                          r.Rich("body"),           r.Int("created_ms"),
                                          r.NewerStr("comment_id"), r.NewerInt("updated_ms")};
  }
  if (!r.ok()) return std::nullopt;
  return content;
}

std::string EncodePayload(const bridge::Effect& effect) {
  return std::visit(
      Overloaded{
          [](const bridge::PrepareForm& e) {
            ObjectWriter out;
            out.Thread(e.thread).Str("mention_ts", e.mention_ts).Str("user", e.user);
            out.Raw("text", RichTextToJson(e.text)).Str("bot_user_id", e.bot_user_id).Files(e.files);
            return out.Done();
          },
          [](const bridge::PostMessage& e) {
            return ObjectWriter().Thread(e.thread).Raw("content", EncodeContent(e.content)).Done();
          },
          [](const bridge::PostEphemeral& e) {
            ObjectWriter out;
            out.Str("channel", e.channel).Str("user", e.user).Str("thread_ts", e.thread_ts).Str("text", e.text);
            return out.Done();
          },
          [](const bridge::UpdateConfirmation& e) {
            return ObjectWriter().Str("channel", e.channel).Str("ts", e.ts).View(e.ticket).Done();
          },
          [](const bridge::UpdateRelay& e) {
            ObjectWriter out;
            out.Str("channel", e.channel).Str("posts", JoinTs(e.posts)).Str("agent", e.agent).Str("ticket_key", e.ticket_key);
            return out.Raw("body", RichTextToJson(e.body)).Bool("deleted", e.deleted).Done();
          },
          [](const bridge::CreateTicket& e) {
            ObjectWriter out;
            out.Thread(e.thread).Str("view_id", e.view_id).Str("user", e.user).Str("summary", e.summary);
            out.Str("description", e.description).Str("marker", e.marker);
            out.Str("desk_id", e.target.desk_id).Str("type_id", e.target.type_id).FieldValues(e.fields);
            out.Str("mention_ts", e.mention_ts);
            return out.Done();
          },
          [](const bridge::AddComment& e) {
            ObjectWriter out;
            out.Str("ticket_key", e.ticket_key).Str("marker", e.marker).Str("user", e.user);
            out.Raw("text", RichTextToJson(e.text)).Files(e.files);
            out.Str("channel", e.channel).Str("ts", e.ts).Bool("edit", e.edit);
            out.Str("earlier_comment_id", e.earlier_comment_id);
            return out.Done();
          },
          [](const bridge::CopyFiles& e) {
            ObjectWriter out;
            out.Str("ticket_key", e.ticket_key).Str("marker", e.marker).Thread(e.thread).Str("user", e.user);
            return out.Files(e.files).Done();
          },
          [](const bridge::UploadToSlack& e) {
            const bridge::HelpdeskAttachment& a = e.attachment;
            ObjectWriter out;
            out.Str("ticket_key", e.ticket_key).Thread(e.thread).Str("slack_file_id", e.slack_file_id);
            out.Str("attachment_id", a.id).Str("name", a.name).Str("mime_type", a.mime_type).Int("size", a.size);
            out.Str("author_id", a.author_id).Str("author_name", a.author_name).Bool("public", a.is_public);
            return out.Int("created_ms", a.created_ms).Done();
          },
          [](const bridge::ReopenTicket& e) {
            return ObjectWriter().Str("ticket_key", e.ticket_key).Thread(e.thread).Done();
          },
      },
      effect);
}

const char* KindOf(const bridge::Effect& effect) {
  return std::visit(Overloaded{
                        [](const bridge::PrepareForm&) { return kPrepareForm; },
                        [](const bridge::PostMessage&) { return kPostMessage; },
                        [](const bridge::PostEphemeral&) { return kPostEphemeral; },
                        [](const bridge::UpdateConfirmation&) { return kUpdateConfirmation; },
                        [](const bridge::UpdateRelay&) { return kUpdateRelay; },
                        [](const bridge::CreateTicket&) { return kCreateTicket; },
                        [](const bridge::AddComment&) { return kAddComment; },
                        [](const bridge::CopyFiles&) { return kCopyFiles; },
                        [](const bridge::UploadToSlack&) { return kUploadToSlack; },
                        [](const bridge::ReopenTicket&) { return kReopenTicket; },
                    },
                    effect);
}

std::optional<bridge::Effect> DecodePayload(const std::string& kind, const std::string& key,
                                            const rapidjson::Value& payload) {
  FieldReader r(payload);
  std::optional<bridge::Effect> effect;
  if (kind == kPrepareForm) {
    bridge::PrepareForm e{key,           r.Thread(),           r.Str("mention_ts"), r.Str("user"),
                          r.Rich("text"), r.Str("bot_user_id"), r.Files(true)};
    effect = e;
  } else if (kind == kPostMessage) {
    bridge::ThreadRef thread = r.Thread();
    auto content = payload.HasMember("content") ? DecodeContent(payload["content"]) : std::nullopt;
    if (!content) return std::nullopt;
    effect = bridge::PostMessage{key, thread, *content};
  } else if (kind == kPostEphemeral) {
    effect = bridge::PostEphemeral{key, r.Str("channel"), r.Str("user"), r.Str("thread_ts"), r.Str("text")};
  } else if (kind == kUpdateConfirmation) {
    effect = bridge::UpdateConfirmation{key, r.Str("channel"), r.Str("ts"), r.View()};
  } else if (kind == kUpdateRelay) {
    // Braced: the fields are read in order.
    effect = bridge::UpdateRelay{key,           r.Str("channel"), r.List("posts"), r.Str("agent"),
                                 r.Str("ticket_key"), r.Rich("body"),   r.Bool("deleted")};
  } else if (kind == kCreateTicket) {
    bridge::CreateTicket e;
    e.key = key;
    e.thread = r.Thread();
    e.view_id = r.Str("view_id");
    e.user = r.Str("user");
    e.summary = r.Str("summary");
    e.description = r.Str("description");
    e.marker = r.Str("marker");
    e.target = bridge::RequestTarget{r.NewerStr("desk_id"), r.NewerStr("type_id")};
    e.fields = r.FieldValues();
    e.mention_ts = r.NewerStr("mention_ts");
    // A form submitted before an upgrade chose a severity, which was a line
    // of the description: it stays one.
    if (std::string severity = r.NewerStr("severity"); !severity.empty()) {
      e.description += (e.description.empty() ? "" : "\n\n") + ("Severity: " + severity);
    }
    effect = e;
  } else if (kind == kAddComment) {
    bridge::AddComment e;
    e.key = key;
    e.ticket_key = r.Str("ticket_key");
    e.marker = r.Str("marker");
    e.user = r.Str("user");
    e.text = r.Rich("text");
    e.channel = r.Str("channel");
    e.ts = r.Str("ts");
    e.edit = r.Bool("edit");
    e.files = r.Files();
    e.earlier_comment_id = r.NewerStr("earlier_comment_id");  // kept since schema 8
    effect = e;
  } else if (kind == kCopyFiles) {
    // Braced: the fields are read in order.
    effect = bridge::CopyFiles{key, r.Str("ticket_key"), r.Str("marker"), r.Thread(), r.Str("user"), r.Files()};
  } else if (kind == kUploadToSlack) {
    bridge::UploadToSlack e;
    e.key = key;
    e.ticket_key = r.Str("ticket_key");
    e.thread = r.Thread();
    e.slack_file_id = r.Str("slack_file_id");
    bridge::HelpdeskAttachment& a = e.attachment;
    a.id = r.Str("attachment_id");
    a.name = r.Str("name");
    a.mime_type = r.Str("mime_type");
    a.size = r.Int("size");
    a.author_id = r.Str("author_id");
    a.author_name = r.Str("author_name");
    a.is_public = r.Bool("public");
    a.created_ms = r.Int("created_ms");
    effect = e;
  } else if (kind == kReopenTicket) {
    effect = bridge::ReopenTicket{key, r.Str("ticket_key"), r.Thread()};
  }
  if (!r.ok()) return std::nullopt;
  return effect;
}

}  // namespace

store::Intent EncodeEffect(const bridge::Effect& effect) {
  return store::Intent{bridge::KeyOf(effect), KindOf(effect), bridge::LaneOf(effect), EncodePayload(effect)};
}

// Rows written by slackdesk 0.1 before the core redesign, still open at an
// upgrade: a reply on its way to the ticket and a mention waiting for its
// button must not be lost to the new format. (create_ticket rows kept their
// shape; 0.1's Slack posts were stored as rendered bodies and are not read.)
std::optional<bridge::Effect> DecodeLegacy(const store::Intent& intent, const rapidjson::Value& payload) {
  FieldReader r(payload);
  if (intent.kind == "offer_form") {
    bridge::PrepareForm e{
        intent.key, r.Thread(), r.Str("ts"), r.Str("user"), slack::ParseMrkdwn(r.Str("text")), r.Str("bot_user_id")};
    if (r.ok()) return e;
  } else if (intent.kind == kAddComment && payload.HasMember("key")) {
    bridge::AddComment e;
    e.key = intent.key;
    e.ticket_key = r.Str("key");
    e.marker = r.Str("marker");
    e.user = r.Str("user");
    e.text = slack::ParseMrkdwn(r.Str("text"));
    e.channel = r.Str("channel");
    e.ts = r.Str("ts");
    e.edit = r.Str("edit") == "true";
    if (const rapidjson::Value* files = json::GetArray(payload, "files")) {
      for (const auto& file : files->GetArray())
        e.files.push_back(bridge::SharedFile{json::GetString(file, "name"), json::GetString(file, "permalink")});
    }
    if (r.ok()) return e;
  }
  return std::nullopt;
}

std::optional<bridge::Effect> DecodeEffect(const store::Intent& intent) {
  rapidjson::Document doc;
  if (!json::Parse(intent.payload, doc).empty() || !doc.IsObject()) return std::nullopt;
  if (auto effect = DecodePayload(intent.kind, intent.key, doc)) return effect;
  return DecodeLegacy(intent, doc);
}

std::string DescribeEffect(const bridge::Effect& effect) {
  return std::visit(Overloaded{
                        [](const bridge::PrepareForm& e) { return "prepare the form " + e.key; },
                        [](const bridge::PostMessage& e) {
                          return "post " + e.key + " in channel=" + e.thread.channel + " thread=" + e.thread.thread_ts;
                        },
                        [](const bridge::PostEphemeral& e) { return "tell user=" + e.user + " " + e.key; },
                        [](const bridge::UpdateConfirmation& e) { return "update the confirmation " + e.key; },
                        [](const bridge::UpdateRelay& e) {
                          return "update the relayed comment " + e.key + " in channel=" + e.channel;
                        },
                        [](const bridge::CreateTicket& e) {
                          return "create the ticket of form view=" + e.view_id + " for channel=" + e.thread.channel +
                                 " thread=" + e.thread.thread_ts;
                        },
                        [](const bridge::AddComment& e) { return "comment " + e.key + " on ticket=" + e.ticket_key; },
                        [](const bridge::CopyFiles& e) {
                          return "copy " + std::to_string(e.files.size()) + " file(s) " + e.key + " to ticket=" +
                                 e.ticket_key;
                        },
                        [](const bridge::UploadToSlack& e) {
                          return "upload " + e.key + " into channel=" + e.thread.channel + " thread=" +
                                 e.thread.thread_ts;
                        },
                        [](const bridge::ReopenTicket& e) { return "reopen ticket=" + e.ticket_key + " " + e.key; },
                    },
                    effect);
}

}  // namespace app
