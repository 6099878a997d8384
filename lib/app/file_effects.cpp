#include "app/file_effects.h"

#include <thread>
#include <utility>

#include "bridge/compose.h"
#include "util/log.h"
#include "util/temp_file.h"

namespace app {
namespace {

bridge::FilesCopied Copied(const bridge::CopyFiles& effect, std::vector<bridge::NotCopied> not_copied) {
  return bridge::FilesCopied{effect, std::move(not_copied)};
}

}  // namespace

FileEffects::FileEffects(helpdesk::Helpdesk& helpdesk, SlackDirectory& directory, util::http::HttpClient& http,
                         slack::web_api::WebApiClient& api, slack::FileDownloadOptions download, std::string temp_dir,
                         util::Duration sign_in_pause)
    : helpdesk_(helpdesk),
      directory_(directory),
      http_(http),
      api_(api),
      download_(std::move(download)),
      temp_dir_(std::move(temp_dir)),
      sign_in_pause_(sign_in_pause) {}

std::optional<bridge::NotCopied> FileEffects::Foreseen(const bridge::SharedFile& file, long long limit,
                                                       const std::string& helpdesk) {
  if (limit <= 0) return bridge::NotCopied{file.name, 0, 0, helpdesk + " does not take files from slackdesk"};
  if (!bridge::HasContents(file)) {
    return bridge::NotCopied{file.name, 0, 0,
                             "Slack did not offer its contents to the bot (a deleted file, or one shared from "
                             "another organisation)"};
  }
  if (file.size > limit) return bridge::NotCopied{file.name, file.size, limit};
  return std::nullopt;
}

util::Result<std::variant<bridge::SharedFile, bridge::NotCopied>> FileEffects::Complete(
    const bridge::SharedFile& file) {
  if (bridge::HasContents(file) || file.id.empty()) return file;
  auto info = slack::FileInfo(api_, file.id);
  if (info && bridge::HasContents(*info)) return *info;
  if (!info && info.error().IsTransient()) return tl::make_unexpected(info.error());
  std::string why = info ? "Slack offers no contents for it (a deleted file, or one shared from another "
                           "organisation)"
                         : "Slack does not let the bot read it (" + info.error().message + ")";
  return bridge::NotCopied{info && !info->name.empty() ? info->name : file.name, 0, 0, why};
}

Outcome FileEffects::Run(const bridge::CopyFiles& effect, bool reconcile) {
  auto limit = helpdesk_.AttachmentLimit();
  if (!limit) return Outcome::FromFailure(limit.error(), true);
  if (reconcile) {
    auto attached = helpdesk_.FindAttachedByMarker(effect.ticket_key, effect.marker);
    if (!attached) return Outcome::FromReconcileFailure(attached.error());
    bool found = *attached;
    if (!found) {
      auto comment = helpdesk_.FindCommentByMarker(effect.ticket_key, effect.marker);
      if (!comment) return Outcome::FromReconcileFailure(comment.error());
      found = comment->has_value();
    }
    if (found) {
      util::log::Info("ticket={} files {} found by their marker: copied before the interruption", effect.ticket_key,
                      effect.key);
      // What was foreseeable is told again; a refusal found while fetching
      // is not known any more.
      std::vector<bridge::NotCopied> foreseen;
      for (const bridge::SharedFile& file : effect.files) {
        // A stub was looked up then, and may have been copied.
        if (!bridge::HasContents(file) && !file.id.empty()) continue;
        if (auto not_copied = Foreseen(file, *limit, helpdesk_.Name())) foreseen.push_back(*not_copied);
      }
      return Outcome::Done(Copied(effect, std::move(foreseen)));
    }
  }
  std::vector<bridge::NotCopied> not_copied;
  std::vector<std::string> upload_ids;
  std::vector<std::string> attached;
  for (const bridge::SharedFile& shared : effect.files) {
    // A Slack Connect stub first becomes the whole object.
    auto completed = *limit > 0 ? Complete(shared) : std::variant<bridge::SharedFile, bridge::NotCopied>(shared);
    if (!completed) return Outcome::Retry(completed.error(), false);
    if (const auto* refused = std::get_if<bridge::NotCopied>(&*completed)) {
      not_copied.push_back(*refused);
      continue;
    }
    const bridge::SharedFile& file = std::get<bridge::SharedFile>(*completed);
    if (auto foreseen = Foreseen(file, *limit, helpdesk_.Name())) {
      not_copied.push_back(*foreseen);
      continue;
    }
    // One file at a time: the temporary file closes (and is gone) once
    // its upload is done.
    auto temp = util::TempFile::Create(temp_dir_);
    if (!temp) return Outcome::Retry(temp.error(), false);
    auto download = slack::DownloadFile(http_, download_, file, *limit, *temp);
    if (download && download->kind == slack::Download::Kind::kRefused && download->sign_in_page) {
      // Slack shows it for a moment after a share: once more, a little later.
      util::log::Info("ticket={} file {}: Slack's sign-in page; fetching it again in {} ms", effect.ticket_key,
                      file.id, std::chrono::duration_cast<util::Millis>(sign_in_pause_).count());
      std::this_thread::sleep_for(sign_in_pause_);
      download = slack::DownloadFile(http_, download_, file, *limit, *temp);
    }
    if (!download) {
      util::log::Warn("ticket={} file {}: {}; the files are fetched again later", effect.ticket_key, file.id,
                      download.error().message);
      return Outcome::Retry(download.error(), false);
    }
    if (download->kind == slack::Download::Kind::kTooLarge) {
      not_copied.push_back(bridge::NotCopied{file.name, file.size > *limit ? file.size : *limit + 1, *limit});
      continue;
    }
    if (download->kind == slack::Download::Kind::kRefused) {
      util::log::Warn("ticket={} file {} ({}) not copied: {}", effect.ticket_key, file.id, file.name, download->reason);
      not_copied.push_back(bridge::NotCopied{file.name, 0, 0, download->reason});
      continue;
    }
    helpdesk::Upload upload{file.name, file.mimetype, temp->fd(), download->bytes};
    auto id = helpdesk_.UploadFile(effect.ticket_key, upload);
    if (!id && id.error().IsTransient()) return Outcome::Retry(id.error(), false);
    if (!id) {
      util::log::Warn("ticket={} file {} refused by the helpdesk: {}", effect.ticket_key, file.id, id.error().message);
      not_copied.push_back(bridge::NotCopied{file.name, 0, 0, "the helpdesk refused it (" + id.error().message + ")"});
      continue;
    }
    util::log::Info("ticket={} file {} ({} bytes) uploaded", effect.ticket_key, file.id, download->bytes);
    upload_ids.push_back(*id);
    attached.push_back(file.name);
  }
  bridge::Requester sharer = directory_.LookUp(effect.user);
  if (!upload_ids.empty()) {
    auto done = helpdesk_.AttachFiles(effect.ticket_key, upload_ids,
                                      bridge::ComposeFilesNote(effect, sharer, attached, not_copied), effect.marker);
    if (done) {
      util::log::Info("ticket={} {} file(s) attached from {}", effect.ticket_key, upload_ids.size(), effect.key);
      return Outcome::Done(Copied(effect, std::move(not_copied)));
    }
    // Transient: it may have happened; the next try looks first.
    if (done.error().IsTransient()) return Outcome::FromFailure(done.error(), false);
    // Refused for certain: the files are named as not copied instead.
    util::log::Warn("ticket={} attaching {} refused: {}", effect.ticket_key, effect.key, done.error().message);
    for (const std::string& name : attached) {
      not_copied.push_back(bridge::NotCopied{name, 0, 0, "the helpdesk refused it (" + done.error().message + ")"});
    }
    attached.clear();
  }
  auto added = helpdesk_.AddPublicComment(
      effect.ticket_key, bridge::ComposeFilesNote(effect, sharer, attached, not_copied), effect.marker);
  if (!added) return Outcome::FromFailure(added.error(), false);
  return Outcome::Done(Copied(effect, std::move(not_copied)));
}

}  // namespace app
