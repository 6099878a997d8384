// How Catch prints the core's actions and events when a table row fails:
// the type and the fields that tell two of them apart.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bridge/core.h"
#include "bridge/overloaded.h"

namespace bridge_test {

inline std::string Show(const bridge::RichText& text) { return "\"" + bridge::ToPlainString(text) + "\""; }

inline std::string Show(const bridge::PostContent& content) {
  using namespace bridge;
  return std::visit(Overloaded{
                        [](const PromptContent& c) { return "prompt(" + c.user + "," + c.button_value + ")"; },
                        [](const ConfirmationContent& c) { return "confirmation(" + c.ticket.key + "," + c.ticket.status + ")"; },
                        [](const ExistingTicketContent& c) { return "existing(" + c.ticket.key + ")"; },
                        [](const NoticeContent& c) { return "notice(" + c.text + ")"; },
                        [](const AgentCommentContent& c) { return "agent(" + c.agent + "," + Show(c.body) + ")"; },
                    },
                    content);
}

inline std::string Show(const bridge::Action& action) {
  using namespace bridge;
  return std::visit(
      Overloaded{
          [](const Note& a) { return "Note{" + a.text + "}"; },
          [](const SaveMention& a) { return "SaveMention{" + a.thread.thread_ts + "," + a.summary + "}"; },
          [](const LinkThread& a) { return "LinkThread{" + a.link.ticket_key + "," + a.link.thread.thread_ts + "}"; },
          [](const RecordConfirmation& a) { return "RecordConfirmation{" + a.ticket_key + "," + a.ts + "}"; },
          [](const RecordStatus& a) { return "RecordStatus{" + a.ticket_key + "," + a.status.label + "}"; },
          [](const RecordSyncPosition& a) {
            return "RecordSyncPosition{" + a.ticket_key + "," + a.comment_cursor + "," + std::to_string(a.updated_ms) + "}";
          },
          [](const RecordReplyComment& a) {
            return "RecordReplyComment{" + a.channel + ":" + a.ts + "," + a.ticket_key + "," + a.comment_id + "}";
          },
          [](const RecordRelay& a) {
            std::string posts;
            for (const std::string& ts : a.relayed.posts) posts += "," + ts;
            return "RecordRelay{" + a.ticket_key + ":" + a.relayed.comment_id + "," +
                   std::to_string(a.relayed.updated_ms) + posts + (a.relayed.deleted ? ",deleted" : "") + "}";
          },
          [](const HoldReply& a) { return "HoldReply{" + a.thread.thread_ts + "," + a.comment.key + "}"; },
          [](const ReleaseHeldReplies& a) { return "ReleaseHeldReplies{" + a.thread.thread_ts + "}"; },
          [](const RecordSyncStopped& a) {
            return "RecordSyncStopped{" + a.ticket_key + "," + (a.stopped ? "stopped" : "resumed") + "}";
          },
          [](const OpenForm& a) { return "OpenForm{" + a.trigger_id + "," + a.summary + "}"; },
          [](const UpdateForm& a) { return "UpdateForm{" + a.view_id + "," + a.target.type_id + "," + a.summary + "}"; },
          [](const PrepareForm& a) { return "PrepareForm{" + a.key + "," + Show(a.text) + "}"; },
          [](const PostMessage& a) { return "PostMessage{" + a.key + "," + Show(a.content) + "}"; },
          [](const PostEphemeral& a) { return "PostEphemeral{" + a.key + "," + a.text + "}"; },
          [](const UpdateConfirmation& a) { return "UpdateConfirmation{" + a.key + "," + a.ticket.status + "}"; },
          [](const UpdateRelay& a) {
            return "UpdateRelay{" + a.key + "," + a.agent + "," + Show(a.body) + (a.deleted ? ",deleted" : "") + "}";
          },
          [](const CreateTicket& a) {
            return "CreateTicket{" + a.key + "," + a.summary + "," + a.target.desk_id + "/" + a.target.type_id +
                   ",fields=" + std::to_string(a.fields.size()) + "}";
          },
          [](const CopyFiles& c) {
            std::string names;
            for (const SharedFile& file : c.files) names += "," + file.name;
            return "CopyFiles{" + c.key + "," + c.ticket_key + "," + c.marker + names + "}";
          },
          [](const UploadToSlack& u) {
            return "UploadToSlack{" + u.key + "," + u.thread.thread_ts + "," + u.attachment.name + "}";
          },
          [](const ReopenTicket& a) { return "ReopenTicket{" + a.key + "," + a.ticket_key + "}"; },
          [](const AddComment& a) {
            return "AddComment{" + a.key + "," + a.marker + "," + Show(a.text) + (a.edit ? ",edit:" + a.earlier_comment_id : "") + "}";
          },
      },
      action);
}

}  // namespace bridge_test

namespace Catch {

template <>
struct StringMaker<bridge::Action> {
  static std::string convert(const bridge::Action& action) { return bridge_test::Show(action); }
};

template <>
struct StringMaker<std::vector<bridge::Action>> {
  static std::string convert(const std::vector<bridge::Action>& actions) {
    std::string out = "[";
    for (const auto& action : actions) out += (out.size() > 1 ? ", " : "") + bridge_test::Show(action);
    return out + "]";
  }
};

template <>
struct StringMaker<std::optional<bridge::Event>> {
  static std::string convert(const std::optional<bridge::Event>& event) {
    return event ? "event #" + std::to_string(event->index()) : "nullopt";
  }
};

template <>
struct StringMaker<bridge::FieldError> {
  static std::string convert(const bridge::FieldError& error) { return error.block_id + ": " + error.message; }
};

}  // namespace Catch
