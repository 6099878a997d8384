// RtHelpdesk, files from Slack (issue 14, item 1): RT takes a reply's
// attachments in the same request as its text, as multipart/form-data (RT
// 5.0.3 lib/RT/REST2/Resource/Message.pm, from_multipart: a "JSON" field
// and "Attachments" file parts), so the upload step only keeps the file
// open and the attach step sends everything at once.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "helpdesk/rt/rt_helpdesk.h"
#include "helpdesk/rt/rt_text.h"
#include "util/log.h"

namespace helpdesk::rt {
namespace {

// RT_Config.pm: Set($MaxAttachmentSize, 10*1024*1024).
constexpr long long kAttachmentLimit = 10LL * 1024 * 1024;
// Files taken but never attached (a failure between the two steps) are let
// go once more than this many wait. A reply carries at most Slack's 10.
constexpr size_t kMaxStaged = 32;
constexpr util::Duration kMaxStagedFor = std::chrono::minutes(30);
// Ten MiB over a slow link, with RT storing them in its database.
constexpr util::Duration kAttachTimeout = std::chrono::minutes(10);
constexpr const char* kStagedPrefix = "rt-staged-";

void Close(int fd) {
  if (fd >= 0) ::close(fd);
}

// The staged number an UploadFile id names; 0 for anything else.
long long StagedNumber(const std::string& id) {
  if (id.rfind(kStagedPrefix, 0) != 0) return 0;
  std::string digits = id.substr(std::strlen(kStagedPrefix));
  if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoll(digits);
}

}  // namespace

RtHelpdesk::~RtHelpdesk() {
  for (auto& entry : staged_) Close(entry.second.fd);
}

util::Result<long long> RtHelpdesk::AttachmentLimit() { return kAttachmentLimit; }

util::Result<std::string> RtHelpdesk::UploadFile(const std::string& key, const Upload& file) {
  const std::string operation = fmt::format("rt upload {} for {}", file.name, key);
  if (!IdOfKey(key)) return util::MakeError(util::ErrorCode::kInvalidInput, operation + ": not an RT ticket");
  if (file.size <= 0) {
    return util::MakeError(util::ErrorCode::kRemoteRejected, "RT takes no empty file");
  }
  if (file.size > kAttachmentLimit) {
    return util::MakeError(util::ErrorCode::kRemoteRejected,
                           fmt::format("larger than RT's {} bytes", kAttachmentLimit));
  }
  // The caller's file closes (and, being unnamed, disappears) when this
  // returns; a duplicate of its descriptor keeps it until AttachFiles.
  int fd = ::fcntl(file.fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    return util::MakeError(util::ErrorCode::kStorage, fmt::format("{}: {}", operation, std::strerror(errno)));
  }
  util::TimePoint now = util::SteadyClock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  long long number = next_staged_++;
  staged_[number] = Staged{file.name, file.mime_type, fd, file.size, now};
  while (staged_.size() > kMaxStaged || now - staged_.begin()->second.taken_at > kMaxStagedFor) {
    util::log::Warn("rt: letting go of file {} that was never attached", staged_.begin()->second.name);
    Close(staged_.begin()->second.fd);
    staged_.erase(staged_.begin());
  }
  return kStagedPrefix + std::to_string(number);
}

std::optional<std::vector<RtHelpdesk::Staged>> RtHelpdesk::TakeStaged(const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Staged> taken;
  bool all = true;
  for (const std::string& id : ids) {
    auto it = staged_.find(StagedNumber(id));
    if (it == staged_.end()) {
      all = false;
      continue;
    }
    taken.push_back(it->second);
    staged_.erase(it);
  }
  if (all) return taken;
  for (const Staged& file : taken) Close(file.fd);
  return std::nullopt;
}

util::Status RtHelpdesk::AttachFiles(const std::string& key, const std::vector<std::string>& upload_ids,
                                     const bridge::RichText& note, const std::string& marker) {
  const std::string operation = "rt correspond with files " + key;
  std::optional<std::string> ticket_id = IdOfKey(key);
  std::optional<std::vector<Staged>> files = TakeStaged(upload_ids);
  if (!files) {
    // Nothing was sent: the caller's next try uploads them again.
    return util::MakeError(util::ErrorCode::kServerError,
                           operation + ": a file to attach is no longer held (taken too long ago)");
  }
  struct CloseAll {
    std::vector<Staged>& files;
    ~CloseAll() {
      for (const Staged& file : files) Close(file.fd);
    }
  } close_all{*files};
  if (!ticket_id || !IsSafeMarker(marker) || files->empty()) {
    return util::MakeError(util::ErrorCode::kInvalidInput, operation + ": not an RT ticket, marker or file");
  }
  util::http::Form form;
  form.fields.emplace_back("JSON", CorrespondBody(RenderWithMarker(note, marker)));
  for (const Staged& file : *files) {
    util::http::FilePart part;
    part.field = "Attachments";
    part.filename = file.name;
    // RT refuses an attachment without a FileType.
    part.content_type = file.mime_type;
    part.fd = file.fd;
    part.size = file.size;
    form.files.push_back(std::move(part));
  }
  RtCall call{operation, "POST", "/ticket/" + *ticket_id + "/correspond", "", Retry::kUnsafe};
  call.form = &form;
  call.timeout = kAttachTimeout;
  auto response = transport_.Send(call);
  if (!response) return tl::make_unexpected(response.error());
  if (!IdFromLocation(response->Header("location"), "transaction")) {
    return util::MakeError(
        util::ErrorCode::kServerError,
        fmt::format("{}: HTTP {} but no transaction in the Location header", operation, response->status));
  }
  return {};
}

util::Result<bool> RtHelpdesk::FindAttachedByMarker(const std::string& key, const std::string& marker) {
  auto comment = FindCommentByMarker(key, marker);
  if (!comment) return tl::make_unexpected(comment.error());
  return comment->has_value();
}

}  // namespace helpdesk::rt
