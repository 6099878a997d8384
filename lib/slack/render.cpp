#include "slack/render.h"

#include <fmt/format.h>

#include "bridge/form.h"
#include "bridge/overloaded.h"
#include "slack/messages.h"
#include "slack/mrkdwn.h"
#include "slack/split.h"

namespace slack {
namespace {

// A section block holds 3000 characters; the part label and escapes need a
// little room.
constexpr size_t kCommentChunk = 2900;

}  // namespace

std::vector<PostBody> RenderPost(const bridge::PostMessage& post) {
  const std::string& channel = post.thread.channel;
  const std::string& thread_ts = post.thread.thread_ts;
  const std::string& key = post.key;
  return std::visit(
      bridge::Overloaded{
          [&](const bridge::PromptContent& c) {
            return std::vector<PostBody>{{key, PromptMessage(channel, thread_ts, c.user, c.button_value, key)}};
          },
          [&](const bridge::ConfirmationContent& c) {
            return std::vector<PostBody>{{key, ConfirmationMessage(channel, thread_ts, c.ticket, key)}};
          },
          [&](const bridge::ExistingTicketContent& c) {
            return std::vector<PostBody>{{key, ExistingTicketMessage(channel, thread_ts, c.ticket, key)}};
          },
          [&](const bridge::NoticeContent& c) {
            return std::vector<PostBody>{{key, TextMessage(channel, thread_ts, c.text, key)}};
          },
          [&](const bridge::AgentCommentContent& c) {
            std::vector<std::string> parts = SplitForSlack(RenderMrkdwn(c.body), kCommentChunk);
            std::vector<PostBody> bodies;
            for (size_t i = 0; i < parts.size(); ++i) {
              std::string part_key = fmt::format("{}:{}", key, i);
              std::string label = parts.size() > 1 ? fmt::format("({}/{})", i + 1, parts.size()) : "";
              bodies.push_back(
                  {part_key, AgentCommentMessage(channel, thread_ts, c.agent, c.ticket_key, parts[i], label, part_key)});
            }
            return bodies;
          },
      },
      post.content);
}

std::string RenderEphemeral(const bridge::PostEphemeral& post) {
  return EphemeralMessage(post.channel, post.user, post.thread_ts, post.text);
}

std::string RenderConfirmationUpdate(const bridge::UpdateConfirmation& update) {
  return ConfirmationUpdate(update.channel, update.ts, update.ticket);
}

std::vector<std::string> RenderRelayUpdate(const bridge::UpdateRelay& update) {
  std::vector<std::string> bodies;
  if (update.posts.empty()) return bodies;
  std::string first;
  std::string label;
  if (update.deleted) {
    first = EscapeMrkdwn("This comment was deleted in the helpdesk.");
    label = "(deleted)";
  } else {
    std::vector<std::string> parts = SplitForSlack(RenderMrkdwn(update.body), kCommentChunk);
    first = parts.empty() ? "" : parts.front();
    if (parts.size() > 1) first += "\n" + EscapeMrkdwn("… (shortened: the whole comment is on " + update.ticket_key + ")");
    label = "(edited)";
  }
  bodies.push_back(AgentCommentUpdate(update.channel, update.posts.front(), update.agent, update.ticket_key, first,
                                      label));
  std::string rest = EscapeMrkdwn(update.deleted ? "This comment was deleted in the helpdesk."
                                                 : "(edited: the whole comment is now in the first part above)");
  for (size_t i = 1; i < update.posts.size(); ++i) {
    bodies.push_back(AgentCommentUpdate(update.channel, update.posts[i], update.agent, update.ticket_key, rest, label));
  }
  return bodies;
}

}  // namespace slack
