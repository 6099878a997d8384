// RtHelpdesk, the two-way sync half: changed tickets, the transactions of a
// ticket as comments, adding correspondence and finding it again.
#include <algorithm>
#include <charconv>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "helpdesk/jira/jira_encoding.h"
#include "helpdesk/rt/rt_helpdesk.h"
#include "helpdesk/rt/rt_text.h"
#include "util/clock.h"

namespace helpdesk::rt {
namespace {

using jira::UrlEncode;

// A message's text part larger than this is not read: far more than a
// thread shows, and its base64 stays well within the answer's bound.
constexpr long long kMaxMessageTextBytes = 1024 * 1024;

// The transaction id a cursor holds; "" is the start.
std::optional<long long> CursorId(const CommentCursor& cursor) {
  if (cursor.empty()) return 0;
  long long id = 0;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), id);
  if (ec != std::errc() || end != cursor.data() + cursor.size() || id < 0) return std::nullopt;
  return id;
}

}  // namespace

util::Status RtHelpdesk::WalkTransactions(const std::string& query, const std::string& order,
                                          const std::string& operation,
                                          const std::function<bool(const WireTransaction&)>& visit) {
  for (int page_number = 1; page_number <= options_.max_pages; ++page_number) {
    std::string path = fmt::format(
        "/transactions?query={}&orderby=id&order={}&per_page={}&page={}"
        "&fields=Type,Field,NewValue,Created,Creator,ObjectId&fields%5BCreator%5D=Name,RealName",
        UrlEncode(query), order, options_.page_size, page_number);
    auto response = transport_.Send(RtCall{operation, "GET", path});
    if (!response) return tl::make_unexpected(response.error());
    Page page;
    auto transactions = ParseTransactionPage(response->body, &page);
    if (!transactions) return tl::make_unexpected(BadBody(operation, response->status, transactions.error()));
    // Pages can be short (items the bot may not see are left out) and the
    // totals null for a user who is not a superuser: only an empty page ends.
    if (page.items == 0) return {};
    for (const WireTransaction& transaction : *transactions) {
      if (visit(transaction)) return {};
    }
  }
  return util::MakeError(util::ErrorCode::kServerError,
                         fmt::format("{}: more than {} pages of transactions", operation, options_.max_pages));
}

util::Result<RtHelpdesk::Message> RtHelpdesk::ReadMessage(long long id, const std::string& operation) {
  auto parts_path = [id](const char* content) {
    return fmt::format(
        "/transaction/{}/attachments?fields=ContentType,Filename,ContentLength,TransactionId{}"
        "&per_page=100",
        id, content);
  };
  // Usually one request: the parts with their content. A file among them
  // can be megabytes, past the answer's bound; then the parts without
  // content, and the text part alone.
  auto response = transport_.Send(RtCall{operation, "GET", parts_path(",Content")});
  bool with_content = true;
  if (!response && response.error().too_large) {
    with_content = false;
    response = transport_.Send(RtCall{operation, "GET", parts_path("")});
  }
  if (!response) return tl::make_unexpected(response.error());
  auto parts = ParseAttachmentPage(response->body, nullptr);
  if (!parts) return tl::make_unexpected(BadBody(operation, response->status, parts.error()));
  Message message;
  for (WireAttachment& part : *parts) {
    if (part.filename.empty()) continue;
    part.content.clear();
    message.files.push_back(part);
  }
  std::optional<WireAttachment> part = MessageTextPart(*parts);
  if (!part) return message;
  if (with_content) {
    message.text = std::move(part->content);
    return message;
  }
  if (part->size > kMaxMessageTextBytes) {
    // Slack would show a few thousand characters of it at most.
    message.text = "(This message is too long to copy here; read it in the ticket.)";
    return message;
  }
  auto text_response = transport_.Send(RtCall{operation, "GET", "/attachment/" + part->id});
  if (!text_response) return tl::make_unexpected(text_response.error());
  auto text = ParseAttachmentContent(text_response->body);
  if (!text) return tl::make_unexpected(BadBody(operation, text_response->status, text.error()));
  message.text = std::move(*text);
  return message;
}

util::Result<std::vector<TicketChange>> RtHelpdesk::ChangedSince(long long since_ms,
                                                                 const std::vector<std::string>& keys) {
  const std::string operation = "rt search for changes";
  std::vector<TicketChange> changes;
  if (keys.empty()) return changes;
  // RT's paging is by offset, so a ticket can be listed twice: its newest
  // state wins.
  std::map<std::string, TicketChange> latest;
  std::string query = UrlEncode(ChangedSinceQuery(options_.queue, since_ms));
  for (int page_number = 1;; ++page_number) {
    if (page_number > options_.max_pages) {
      return util::MakeError(util::ErrorCode::kServerError,
                             fmt::format("{}: more than {} pages of tickets", operation, options_.max_pages));
    }
    // In id order, which an update does not change: a ticket updated during
    // the walk cannot slip between two pages.
    std::string path =
        fmt::format("/tickets?query={}&orderby=id&order=ASC&per_page={}&page={}&fields=Status,LastUpdated", query,
                    options_.page_size, page_number);
    auto response = transport_.Send(RtCall{operation, "GET", path});
    if (!response) return tl::make_unexpected(response.error());
    Page page;
    auto tickets = ParseTicketPage(response->body, &page);
    if (!tickets) return tl::make_unexpected(BadBody(operation, response->status, tickets.error()));
    if (page.items == 0) break;
    for (const WireTicket& ticket : *tickets) {
      std::string key = KeyOf(ticket.id);
      if (ticket.last_updated_ms < since_ms || !std::binary_search(keys.begin(), keys.end(), key)) continue;
      TicketChange change{key, ticket.last_updated_ms, StatusFromRt(ticket.status)};
      auto [it, inserted] = latest.emplace(ticket.id, change);
      if (!inserted && change.updated_ms >= it->second.updated_ms) it->second = std::move(change);
    }
  }
  for (auto& entry : latest) changes.push_back(std::move(entry.second));
  std::sort(changes.begin(), changes.end(), [](const TicketChange& a, const TicketChange& b) {
    return a.updated_ms != b.updated_ms ? a.updated_ms < b.updated_ms : a.key < b.key;
  });
  return changes;
}

util::Result<CommentPage> RtHelpdesk::CommentsAfter(const std::string& key, const CommentCursor& cursor) {
  const std::string operation = "rt transactions " + key;
  std::optional<long long> after = CursorId(cursor);
  std::optional<std::string> id = IdOfKey(key);
  if (!id || !after) return util::MakeError(util::ErrorCode::kInvalidInput, operation + ": not an RT ticket or cursor");
  CommentPage page;
  long long last = *after;
  std::vector<WireTransaction> messages;
  auto walked =
      WalkTransactions(TicketTransactionsQuery(*id, *after), "ASC", operation, [&](const WireTransaction& transaction) {
        if (transaction.id <= last) return false;  // an answer out of order
        last = transaction.id;
        if (transaction.type == "Correspond" || transaction.type == "Comment") {
          messages.push_back(transaction);
        }
        return false;
      });
  if (!walked) return tl::make_unexpected(walked.error());
  // The public messages' files come with them: the poller needs no second
  // walk of the same transactions (AttachmentsSince).
  std::vector<Attachment> files;
  for (const WireTransaction& message : messages) {
    Comment comment;
    comment.id = std::to_string(message.id);
    comment.author_id = message.creator_name;
    comment.author_name = message.creator_real_name.empty() ? message.creator_name : message.creator_real_name;
    comment.is_public = message.type == "Correspond";
    comment.created_ms = message.created_ms;
    // An internal note is never shown in Slack: its text is not even read.
    if (comment.is_public) {
      auto read = ReadMessage(message.id, operation);
      if (!read) return tl::make_unexpected(read.error());
      for (const WireAttachment& file : read->files) files.push_back(FileOfMessage(file, message));
      ParsedMessage parsed = ParseMessage(read->text);
      comment.body = std::move(parsed.body);
      comment.written_by_slackdesk = !parsed.marker.empty();
    }
    page.comments.push_back(std::move(comment));
  }
  page.next = last > 0 ? std::to_string(last) : cursor;
  page.attachments = std::move(files);
  return page;
}

util::Result<Comment> RtHelpdesk::AddPublicComment(const std::string& key, const bridge::RichText& body,
                                                   const std::string& marker) {
  const std::string operation = "rt correspond " + key;
  std::optional<std::string> ticket_id = IdOfKey(key);
  if (!ticket_id || !IsSafeMarker(marker)) {
    return util::MakeError(util::ErrorCode::kInvalidInput, operation + ": not an RT ticket or marker");
  }
  auto response = transport_.Send(RtCall{operation, "POST", "/ticket/" + *ticket_id + "/correspond",
                                         CorrespondBody(RenderWithMarker(body, marker)), Retry::kUnsafe});
  if (!response) return tl::make_unexpected(response.error());
  // The answer is a list of messages; the new transaction is only named by
  // the Location header.
  std::optional<std::string> id = IdFromLocation(response->Header("location"), "transaction");
  if (!id) {
    return util::MakeError(
        util::ErrorCode::kServerError,
        fmt::format("{}: HTTP {} but no transaction in the Location header", operation, response->status));
  }
  Comment comment;
  comment.id = *id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (identity_) comment.author_id = identity_->id;
  }
  comment.body = body;
  comment.is_public = true;
  comment.created_ms = util::WallMillisNow();
  comment.written_by_slackdesk = true;
  return comment;
}

util::Result<std::optional<Comment>> RtHelpdesk::FindCommentByMarker(const std::string& key,
                                                                     const std::string& marker) {
  const std::string operation = "rt find correspondence " + key;
  std::optional<std::string> ticket_id = IdOfKey(key);
  if (!ticket_id || !IsSafeMarker(marker)) {
    return util::MakeError(util::ErrorCode::kInvalidInput, operation + ": not an RT ticket or marker");
  }
  auto me = WhoAmI();
  if (!me) return tl::make_unexpected(me.error());
  std::vector<WireTransaction> own;
  auto walked = WalkTransactions(OwnCorrespondenceQuery(*ticket_id, me->id), "DESC", operation,
                                 [&](const WireTransaction& transaction) {
                                   if (transaction.creator_name != me->id) return false;
                                   own.push_back(transaction);
                                   return own.size() >= static_cast<size_t>(options_.max_marker_reads);
                                 });
  if (!walked) return tl::make_unexpected(walked.error());
  for (const WireTransaction& transaction : own) {
    auto read = ReadMessage(transaction.id, operation);
    if (!read) return tl::make_unexpected(read.error());
    ParsedMessage parsed = ParseMessage(read->text);
    if (parsed.marker != marker) continue;
    Comment comment;
    comment.id = std::to_string(transaction.id);
    comment.author_id = transaction.creator_name;
    comment.author_name =
        transaction.creator_real_name.empty() ? transaction.creator_name : transaction.creator_real_name;
    comment.body = std::move(parsed.body);
    comment.is_public = true;
    comment.created_ms = transaction.created_ms;
    comment.written_by_slackdesk = true;
    return std::optional<Comment>(std::move(comment));
  }
  return std::optional<Comment>();
}

}  // namespace helpdesk::rt
