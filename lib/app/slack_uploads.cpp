#include "app/slack_uploads.h"

#include <fmt/format.h>

#include "slack/mrkdwn.h"
#include "slack/web_api/file_upload.h"
#include "util/log.h"
#include "util/temp_file.h"

namespace app {
namespace {

// A large file over a slow link: minutes, not the Web API's seconds.
constexpr util::Millis kSendTimeout{30 * 60 * 1000};

// "*Grace Hopper* added this on SUP-1": who and where, escaped as all
// outside text.
std::string InitialComment(const bridge::UploadToSlack& effect) {
  std::string agent = effect.attachment.author_name.empty() ? "An agent" : effect.attachment.author_name;
  return fmt::format(":paperclip: *{}* attached this on {}", slack::EscapeMrkdwnLine(agent),
                     slack::EscapeMrkdwnLine(effect.ticket_key));
}

}  // namespace

SlackUploads::SlackUploads(helpdesk::Helpdesk& helpdesk, util::http::HttpClient& http,
                           slack::web_api::WebApiClient& api, std::string temp_dir, long long limit)
    : helpdesk_(helpdesk), http_(http), api_(api), temp_dir_(std::move(temp_dir)), limit_(limit) {}

Outcome SlackUploads::NotCopied(const bridge::UploadToSlack& effect, bridge::NotCopied why) {
  util::log::Warn("ticket={} attachment {} ({}) not copied to Slack: {}", effect.ticket_key, effect.attachment.id,
                  effect.attachment.name, bridge::NotCopiedLine(why));
  return Outcome::Done(bridge::AttachmentUploaded{effect, std::move(why)});
}

Outcome SlackUploads::Complete(const bridge::UploadToSlack& effect) {
  slack::UploadTarget target{effect.thread.channel, effect.thread.thread_ts, effect.attachment.name,
                             InitialComment(effect)};
  auto done = slack::CompleteUpload(api_, effect.slack_file_id, target);
  if (done) {
    util::log::Info("ticket={} attachment {} uploaded into channel={} thread={} as {}", effect.ticket_key,
                    effect.attachment.id, effect.thread.channel, effect.thread.thread_ts, effect.slack_file_id);
    return Outcome::Done(bridge::AttachmentUploaded{effect, std::nullopt});
  }
  // Refused for certain (not_in_channel, channel_not_found, …): told.
  if (!done.error().IsTransient() && done.error().code != util::ErrorCode::kAuth) {
    return NotCopied(effect, {effect.attachment.name, 0, 0, "Slack refused it (" + done.error().message + ")"});
  }
  // It may have happened: files.info tells on the next try.
  return Outcome::FromFailure(done.error(), false);
}

Outcome SlackUploads::Run(const bridge::UploadToSlack& effect, bool reconcile) {
  const bridge::HelpdeskAttachment& attachment = effect.attachment;
  if (reconcile && !effect.slack_file_id.empty()) {
    auto share = slack::SharedIn(api_, effect.slack_file_id, effect.thread.channel);
    if (!share) return Outcome::FromReconcileFailure(share.error());
    if (*share == slack::FileShare::kShared) {
      util::log::Info("ticket={} attachment {} found in channel={} as {}: uploaded before the interruption",
                      effect.ticket_key, attachment.id, effect.thread.channel, effect.slack_file_id);
      return Outcome::Done(bridge::AttachmentUploaded{effect, std::nullopt});
    }
    // Never completed: Slack discards it; completed meanwhile but not
    // shared yet: a second complete is refused and this looks again later.
    if (*share == slack::FileShare::kNotShared) return Complete(effect);
    util::log::Info("ticket={} attachment {}: Slack file {} was never completed; uploading it again", effect.ticket_key,
                    attachment.id, effect.slack_file_id);
  }
  if (attachment.size > limit_) return NotCopied(effect, {attachment.name, attachment.size, limit_});
  // One file at a time, gone (nameless) once this returns.
  auto temp = util::TempFile::Create(temp_dir_);
  if (!temp) return Outcome::Retry(temp.error(), false);
  auto fetched = helpdesk_.FetchAttachment(effect.ticket_key, attachment.id, limit_, *temp);
  if (!fetched) return Outcome::Retry(fetched.error(), false);
  switch (fetched->kind) {
    case helpdesk::Fetched::Kind::kTooLarge:
      return NotCopied(effect, {attachment.name, std::max(attachment.size, limit_ + 1), limit_});
    case helpdesk::Fetched::Kind::kRefused:
      return NotCopied(effect, {attachment.name, 0, 0, fetched->reason});
    case helpdesk::Fetched::Kind::kDone:
      break;
  }
  if (fetched->bytes == 0)
    return NotCopied(effect, {attachment.name, 0, 0, "it is empty, and Slack takes no empty file"});
  auto ticket = slack::GetUploadUrl(api_, attachment.name, fetched->bytes);
  // Refused for good (file_upload_size_restricted: the workspace's own
  // limit, lower than slackdesk's; file_uploads_disabled; …): told.
  if (!ticket && !ticket.error().IsTransient() && ticket.error().code != util::ErrorCode::kAuth) {
    return NotCopied(effect, {attachment.name, 0, 0, "Slack refused it (" + ticket.error().message + ")"});
  }
  if (!ticket) return Outcome::Retry(ticket.error(), false);
  auto sent = slack::SendBytes(http_, ticket->upload_url, temp->fd(), fetched->bytes, kSendTimeout);
  if (!sent && sent.error().code == util::ErrorCode::kRemoteRejected) {
    return NotCopied(effect, {attachment.name, 0, 0, "Slack refused it (" + sent.error().message + ")"});
  }
  // Nothing is visible yet: the next try starts afresh.
  if (!sent) return Outcome::Retry(sent.error(), false);
  util::log::Info("ticket={} attachment {} ({} bytes) sent to Slack as {}", effect.ticket_key, attachment.id,
                  fetched->bytes, ticket->file_id);
  bridge::UploadToSlack progressed = effect;
  progressed.slack_file_id = ticket->file_id;
  return Outcome::Ready([this, progressed] { return Complete(progressed); }, bridge::Effect{progressed});
}

}  // namespace app
