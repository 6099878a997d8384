// The core's helpdesk side: agents' comments and attachments relayed,
// relays updated after an edit or deletion, the status shown, and what a
// reopen came to (core_sync.h).
#include "bridge/core_sync.h"

#include <fmt/format.h>

namespace bridge {
namespace {

using Actions = std::vector<Action>;

// A status the thread has not shown yet is recorded and put on the
// confirmation message (under `key`); returns whether it was news.
bool ShowStatus(const TicketLink& link, const TicketStatus& status, const std::string& key, Actions& actions) {
  if (status.label.empty() || status.label == link.status.label) return false;
  actions.push_back(RecordStatus{link.ticket_key, status});
  if (!link.confirmation_ts.empty()) {
    TicketView view = link.View();
    view.status = status.label;
    actions.push_back(UpdateConfirmation{key, link.thread.channel, link.confirmation_ts, view});
  }
  return true;
}

// Relayed comments edited or deleted in the helpdesk since they were
// relayed: their posts are updated in place, and the version kept.
void UpdateRelays(const TicketActivity& activity, const Facts& facts, Actions& actions) {
  if (!activity.current) return;
  const TicketLink& link = *facts.link;
  for (const RelayedComment& relayed : facts.relayed) {
    if (relayed.deleted || relayed.posts.empty()) continue;
    const HelpdeskComment* now = nullptr;
    for (const HelpdeskComment& comment : *activity.current) {
      if (comment.id == relayed.comment_id) now = &comment;
    }
    std::string at = activity.ticket_key + ":" + relayed.comment_id;
    // Made internal by an edit counts as deleted: an internal note's text
    // never reaches Slack, and the old public text must not stay either.
    if (now == nullptr || !now->is_public) {
      actions.push_back(UpdateRelay{"relaydel:" + at, link.thread.channel, relayed.posts, relayed.agent,
                                    activity.ticket_key, RichText{}, true});
      RelayedComment gone = relayed;
      gone.deleted = true;
      actions.push_back(RecordRelay{activity.ticket_key, gone});
      continue;
    }
    if (now->updated_ms <= relayed.updated_ms) continue;
    actions.push_back(UpdateRelay{fmt::format("relayedit:{}:{}", at, now->updated_ms), link.thread.channel,
                                  relayed.posts, now->author_name, activity.ticket_key, now->body, false});
    RelayedComment edited = relayed;
    edited.updated_ms = now->updated_ms;
    actions.push_back(RecordRelay{activity.ticket_key, edited});
  }
}

}  // namespace

Actions OnActivity(const TicketActivity& activity, const Facts& facts) {
  if (!facts.link) return {};
  // Not relayed, and the position is kept: if the channel is allowed
  // again, what agents wrote meanwhile still comes over.
  if (!facts.channel_allowed) return StopSync(facts);
  const TicketLink& link = *facts.link;
  Actions actions;
  if (link.sync_stopped) actions.push_back(RecordSyncStopped{link.ticket_key, false});
  for (const HelpdeskComment& comment : activity.comments) {
    // Ours never come back (no echo); internal notes never reach Slack.
    if (comment.author_id == facts.helpdesk_account_id || comment.written_by_slackdesk) continue;
    if (!comment.is_public) continue;
    actions.push_back(PostMessage{"relay:" + activity.ticket_key + ":" + comment.id, link.thread,
                                  AgentCommentContent{comment.author_name, activity.ticket_key, comment.body,
                                                      comment.created_ms, comment.id, comment.updated_ms}});
  }
  for (const HelpdeskAttachment& attachment : activity.attachments) {
    // As comments: ours (the files copied from Slack) never come back;
    // internal ones never reach Slack.
    if (attachment.author_id == facts.helpdesk_account_id || !attachment.is_public) continue;
    actions.push_back(UploadToSlack{"attach:" + activity.ticket_key + ":" + attachment.id, activity.ticket_key,
                                    link.thread, attachment});
  }
  UpdateRelays(activity, facts, actions);
  // Two statuses can share one `updated` (RT's whole seconds: resolved
  // in the second it was stalled): the label keeps their keys apart.
  std::string at = fmt::format("{}:{}:{}", activity.ticket_key, activity.updated_ms, activity.status.label);
  if (ShowStatus(link, activity.status, "status:" + at, actions)) {
    if (activity.status.category == StatusCategory::kDone && link.status.category != StatusCategory::kDone) {
      actions.push_back(PostMessage{"resolved:" + at, link.thread,
                                    NoticeContent{activity.ticket_key + " is now " + activity.status.label +
                                                  ". If something is still wrong, just reply here: replies still "
                                                  "reach the ticket."}});
    }
  }
  actions.push_back(RecordSyncPosition{activity.ticket_key, activity.next_cursor, activity.updated_ms});
  return actions;
}

// The ticket's status after a reply asked to reopen it: the confirmation
// shows it either way; the thread is told when it was reopened, and how to
// raise a new request when it cannot be.
Actions OnReopened(const TicketReopened& reopened, const Facts& facts) {
  if (!facts.link) return {};
  const TicketLink& link = *facts.link;
  const ReopenTicket& request = reopened.request;
  Actions actions;
  ShowStatus(link, reopened.status, "status:" + request.key, actions);
  const std::string& status = reopened.status.label.empty() ? link.status.label : reopened.status.label;
  if (reopened.result == ReopenResult::kReopened) {
    actions.push_back(PostMessage{"reopened:" + request.key, request.thread,
                                  NoticeContent{":leftwards_arrow_with_hook: " + link.ticket_key +
                                                " was reopened by this reply" +
                                                (status.empty() ? "." : "; it is now " + status + ".")}});
  } else if (reopened.result == ReopenResult::kNotAllowed) {
    actions.push_back(PostMessage{
        "notreopened:" + request.key, request.thread,
        NoticeContent{":warning: " + link.ticket_key + " is " + (status.empty() ? "closed" : status) +
                      " and cannot be reopened from Slack. Your reply was added to it, but the team may not look at "
                      "it again. To raise a new request, mention me in a new message in the channel (not in this "
                      "thread)."}});
  }
  return actions;
}

}  // namespace bridge
