#include "bridge/actions.h"

#include "bridge/overloaded.h"

namespace bridge {

const std::string& KeyOf(const Effect& effect) {
  return std::visit([](const auto& e) -> const std::string& { return e.key; }, effect);
}

std::string CreateLaneOf(const ThreadRef& thread) { return "create:" + thread.channel + ":" + thread.thread_ts; }

std::string LaneOf(const Effect& effect) {
  return std::visit(Overloaded{
                        // Its own lane: the Slack look-ups it makes never
                        // hold up the channel's posts.
                        [](const PrepareForm& e) { return "lookup:" + e.thread.channel + ":" + e.thread.thread_ts; },
                        [](const PostMessage& e) { return "slack:" + e.thread.channel; },
                        [](const PostEphemeral& e) { return "slack:" + e.channel; },
                        [](const UpdateConfirmation& e) { return "slack:" + e.channel; },
                        // After the relay it updates, in the channel's order.
                        [](const UpdateRelay& e) { return "slack:" + e.channel; },
                        [](const CreateTicket& e) { return CreateLaneOf(e.thread); },
                        [](const AddComment& e) { return "helpdesk:" + e.ticket_key; },
                        // After the comment of the same message, in the ticket's order.
                        [](const CopyFiles& e) { return "helpdesk:" + e.ticket_key; },
                        // With the channel's posts: after the comment it came with.
                        [](const UploadToSlack& e) { return "slack:" + e.thread.channel; },
                        // After the reply's comment: a "comment reopens"
                        // automation may have reopened it already.
                        [](const ReopenTicket& e) { return "helpdesk:" + e.ticket_key; },
                    },
                    effect);
}

bool IsEffect(const Action& action) {
  return std::visit(Overloaded{
                        [](const PrepareForm&) { return true; },
                        [](const PostMessage&) { return true; },
                        [](const PostEphemeral&) { return true; },
                        [](const UpdateConfirmation&) { return true; },
                        [](const UpdateRelay&) { return true; },
                        [](const CreateTicket&) { return true; },
                        [](const AddComment&) { return true; },
                        [](const CopyFiles&) { return true; },
                        [](const UploadToSlack&) { return true; },
                        [](const ReopenTicket&) { return true; },
                        [](const auto&) { return false; },
                    },
                    action);
}

Effect ToEffect(const Action& action) {
  return std::visit(Overloaded{
                        [](const PrepareForm& e) { return Effect{e}; },
                        [](const PostMessage& e) { return Effect{e}; },
                        [](const PostEphemeral& e) { return Effect{e}; },
                        [](const UpdateConfirmation& e) { return Effect{e}; },
                        [](const UpdateRelay& e) { return Effect{e}; },
                        [](const CreateTicket& e) { return Effect{e}; },
                        [](const AddComment& e) { return Effect{e}; },
                        [](const CopyFiles& e) { return Effect{e}; },
                        [](const UploadToSlack& e) { return Effect{e}; },
                        [](const ReopenTicket& e) { return Effect{e}; },
                        // REQUIRES: IsEffect(action); an empty post is never carried out.
                        [](const auto&) { return Effect{PostMessage{}}; },
                    },
                    action);
}

Action ToAction(const Effect& effect) {
  return std::visit([](const auto& e) { return Action{e}; }, effect);
}

}  // namespace bridge
