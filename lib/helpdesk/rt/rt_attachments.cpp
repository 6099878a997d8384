// RtHelpdesk, files both ways (issue 14, items 1 and 2). From Slack: RT
// takes a reply's attachments in the same request as its text, as
// multipart/form-data (RT 5.0.3 lib/RT/REST2/Resource/Message.pm,
// from_multipart: a "JSON" field and "Attachments" file parts), so the
// upload step only keeps the file open and the attach step sends
// everything at once. To Slack: the ticket's attachments list the files
// (MIME parts with a name), and one attachment's answer carries its bytes
// base64-encoded in JSON, decoded as it is read.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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
// Decoding reads and writes the downloaded file this much at a time.
constexpr size_t kDecodeChunk = 64 * 1024;

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

util::Result<std::vector<Attachment>> RtHelpdesk::AttachmentsSince(const std::string& key, long long since_ms) {
  const std::string operation = "rt attachments " + key;
  std::optional<std::string> ticket_id = IdOfKey(key);
  if (!ticket_id) return util::MakeError(util::ErrorCode::kInvalidInput, operation + ": not an RT ticket");
  // RT's dates have whole seconds: a message of the same second is not older.
  long long since_second = since_ms / 1000 * 1000;
  // The public messages since then, newest first until an older one. Not
  // /ticket/:id/attachments: for a user who is not a superuser RT pages it
  // with empty pages between full ones (measured on 5.0.3), so no page can
  // be trusted to be the last; a transaction's parts fit on one page.
  std::vector<WireTransaction> messages;
  auto walked = WalkTransactions(TicketTransactionsQuery(*ticket_id, 0), "DESC", operation,
                                 [&](const WireTransaction& transaction) {
                                   if (transaction.created_ms < since_second) return true;
                                   // Internal notes' files never reach Slack: not even listed.
                                   if (transaction.type == "Correspond" || transaction.type == "Create") {
                                     messages.push_back(transaction);
                                   }
                                   return false;
                                 });
  if (!walked) return tl::make_unexpected(walked.error());
  std::vector<Attachment> out;
  for (auto message = messages.rbegin(); message != messages.rend(); ++message) {
    std::string path = fmt::format(
        "/transaction/{}/attachments?fields=Filename,ContentType,ContentLength,TransactionId,Created,Creator"
        "&fields%5BCreator%5D=Name,RealName&per_page=100",
        message->id);
    auto response = transport_.Send(RtCall{operation, "GET", path});
    if (!response) return tl::make_unexpected(response.error());
    auto parts = ParseAttachmentPage(response->body, nullptr);
    if (!parts) return tl::make_unexpected(BadBody(operation, response->status, parts.error()));
    for (const WireAttachment& part : *parts) {
      if (!part.filename.empty()) out.push_back(FileOfMessage(part, *message));  // not the message's own text
    }
  }
  return out;
}

util::Result<Fetched> RtHelpdesk::FetchAttachment(const std::string& key, const std::string& id, long long limit,
                                                  util::TempFile& into) {
  const std::string operation = fmt::format("rt download attachment {} of {}", id, key);
  if (!IsTicketId(id)) return Fetched{Fetched::Kind::kRefused, 0, "it is not an RT attachment"};
  if (auto cleared = into.Clear(); !cleared) return tl::make_unexpected(cleared.error());
  RtCall call{operation, "GET", "/attachment/" + id, "", Retry::kUnsafe};
  call.response_fd = into.fd();
  call.timeout = kAttachTimeout;
  // base64 (4 bytes for 3) with RT's "\n" (2 bytes) after every 76, and
  // the record's other fields (its headers above all) around it.
  call.max_response_bytes = static_cast<size_t>(limit / 3 * 4 / 76 * 78 + 4 * 1024 * 1024);
  int status = 0;
  auto response = transport_.Send(call, &status);
  if (!response) {
    if (response.error().too_large) return Fetched{Fetched::Kind::kTooLarge, 0, ""};
    if (response.error().code == util::ErrorCode::kRemoteRejected) {
      return Fetched{Fetched::Kind::kRefused, 0, fmt::format("RT does not hand it over (HTTP {})", status)};
    }
    return tl::make_unexpected(response.error());
  }
  // Decoded in place: each chunk is read before its (smaller) decoded bytes
  // are written, at an offset that never passes the one read from.
  ContentDecoder decoder;
  std::string buffer(kDecodeChunk, '\0');
  std::string decoded;
  long long read_at = 0;
  long long written = 0;
  while (!decoder.Done()) {
    ssize_t n = ::pread(into.fd(), buffer.data(), buffer.size(), read_at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return util::MakeError(util::ErrorCode::kStorage, fmt::format("{}: {}", operation, std::strerror(errno)));
    }
    if (n == 0) break;
    read_at += n;
    decoded.clear();
    if (!decoder.Feed(std::string_view(buffer.data(), static_cast<size_t>(n)), decoded)) {
      return Fetched{Fetched::Kind::kRefused, 0, "RT's answer is not the file (" + decoder.Error() + ")"};
    }
    if (written + static_cast<long long>(decoded.size()) > limit) return Fetched{Fetched::Kind::kTooLarge, 0, ""};
    if (::pwrite(into.fd(), decoded.data(), decoded.size(), written) != static_cast<ssize_t>(decoded.size())) {
      return util::MakeError(util::ErrorCode::kStorage,
                             fmt::format("{}: the file could not be written (disk full?)", operation));
    }
    written += static_cast<long long>(decoded.size());
  }
  if (!decoder.Done()) return Fetched{Fetched::Kind::kRefused, 0, "RT's answer has no Content"};
  if (::ftruncate(into.fd(), written) != 0 || ::lseek(into.fd(), 0, SEEK_SET) != 0) {
    return util::MakeError(util::ErrorCode::kStorage, fmt::format("{}: {}", operation, std::strerror(errno)));
  }
  return Fetched{Fetched::Kind::kDone, written, ""};
}

}  // namespace helpdesk::rt
