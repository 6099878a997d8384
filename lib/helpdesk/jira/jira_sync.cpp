// JiraHelpdesk, the two-way sync half: change search, comments, adding a
// comment and finding it again (jira_helpdesk.cpp has the rest).
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "bridge/text.h"
#include "helpdesk/jira/jira_helpdesk.h"
#include "helpdesk/jira/wiki.h"
#include "util/log.h"
#include "util/strings.h"

namespace helpdesk::jira {
namespace {

// The changes oldest first (then by key).
std::vector<TicketChange> Sorted(std::map<std::string, TicketChange> latest) {
  std::vector<TicketChange> result;
  result.reserve(latest.size());
  for (auto& entry : latest) result.push_back(std::move(entry.second));
  std::sort(result.begin(), result.end(), [](const TicketChange& a, const TicketChange& b) {
    return a.updated_ms != b.updated_ms ? a.updated_ms < b.updated_ms : a.key < b.key;
  });
  return result;
}

}  // namespace

util::Result<std::vector<TicketChange>> JiraHelpdesk::ChangedSince(long long since_ms,
                                                                   const std::vector<std::string>& keys) {
  std::map<std::string, TicketChange> latest;  // by lower-case key
  if (keys.size() > static_cast<size_t>(options_.key_list_limit)) {
    // Many links: one search of the projects, its few results kept when they
    // are ours. `keys` is sorted, so the cost per cycle follows the
    // project's activity, not the number of links.
    auto project_keys = ProjectKeys();
    if (!project_keys) return tl::make_unexpected(project_keys.error());
    auto changes = SearchChanges(since_ms, {}, ProjectChangedSinceJql(*project_keys, since_ms));
    if (!changes) return tl::make_unexpected(changes.error());
    for (TicketChange& change : *changes) {
      if (!std::binary_search(keys.begin(), keys.end(), change.key)) continue;  // not one of ours
      auto [it, inserted] = latest.emplace(util::Lower(change.key), change);
      if (!inserted && change.updated_ms >= it->second.updated_ms) it->second = std::move(change);
    }
    return Sorted(std::move(latest));
  }
  std::vector<std::string> valid;
  std::set<std::string> seen;
  for (const std::string& key : keys) {
    // Keys go into the JQL unquoted: anything else could change the query.
    if (!IsIssueKey(key)) {
      util::log::Warn("jira search for changes: '{}' is not an issue key; left out", key);
      continue;
    }
    if (seen.insert(util::Lower(key)).second) valid.push_back(key);
  }
  for (size_t begin = 0; begin < valid.size(); begin += static_cast<size_t>(options_.keys_per_search)) {
    size_t end = std::min(valid.size(), begin + static_cast<size_t>(options_.keys_per_search));
    auto changes = SearchChanges(since_ms, std::vector<std::string>(valid.begin() + static_cast<std::ptrdiff_t>(begin),
                                                                    valid.begin() + static_cast<std::ptrdiff_t>(end)));
    if (!changes) return tl::make_unexpected(changes.error());
    for (TicketChange& change : *changes) {
      auto [it, inserted] = latest.emplace(util::Lower(change.key), change);
      // Paging drift can report an issue twice; its newest state wins.
      if (!inserted && change.updated_ms >= it->second.updated_ms) it->second = std::move(change);
    }
  }
  return Sorted(std::move(latest));
}

util::Result<std::vector<TicketChange>> JiraHelpdesk::SearchChanges(long long since_ms, std::vector<std::string> keys,
                                                                   const std::string& fixed_jql) {
  auto deployment = CurrentDeployment();
  if (!deployment) return tl::make_unexpected(deployment.error());
  // Jira refuses the whole query when one key no longer exists (deleted,
  // or a typo in the store); each refusal names keys, so this ends.
  while (!keys.empty() || !fixed_jql.empty()) {
    const std::string jql = fixed_jql.empty() ? ChangedSinceJql(since_ms, keys) : fixed_jql;
    std::vector<TicketChange> changes;
    std::string token;
    bool restart = false;
    for (int page = 0;; ++page) {
      if (page >= options_.max_pages) {
        return util::MakeError(util::ErrorCode::kServerError,
                               fmt::format("jira search for changes: no last page after {} pages", page));
      }
      JiraCall call =
          deployment->SearchCall(fmt::format("jira search for changes since {} ({} keys)", since_ms, keys.size()), jql,
                                 {"updated", "status"}, options_.search_page_size, token);
      util::http::HttpResponse failed;
      auto response = transport_.Send(call, &failed);
      if (!response) {
        if (failed.status != 400 || !fixed_jql.empty()) return tl::make_unexpected(response.error());
        std::vector<std::string> unknown = UnknownKeysInSearchError(failed.body);
        std::set<std::string> drop;
        for (const std::string& key : unknown) drop.insert(util::Lower(key));
        size_t before = keys.size();
        keys.erase(std::remove_if(keys.begin(), keys.end(),
                                  [&](const std::string& key) { return drop.count(util::Lower(key)) > 0; }),
                   keys.end());
        if (keys.size() == before) return tl::make_unexpected(response.error());
        util::log::Warn("jira search for changes: Jira does not know {}; left out", fmt::join(unknown, ", "));
        restart = true;
        break;
      }
      auto parsed = deployment->ParseSearch(response->body);
      if (!parsed) return tl::make_unexpected(BadBody(call.operation, response->status, parsed.error()));
      for (const auto& issue : parsed->issues) {
        if (issue.key.empty()) continue;
        // The issue matched `updated >= since`, so since_ms is a safe floor
        // when its date cannot be read.
        changes.push_back(TicketChange{issue.key, issue.updated_ms.value_or(since_ms), issue.status});
      }
      if (parsed->next_page_token.empty() || parsed->next_page_token == token) break;
      token = parsed->next_page_token;
    }
    if (!restart) return changes;
  }
  return std::vector<TicketChange>();
}

util::Status JiraHelpdesk::WalkComments(const std::string& key, const std::string& operation,
                                        const std::function<bool(const WireComment&)>& visit) {
  auto deployment = CurrentDeployment();
  if (!deployment) return tl::make_unexpected(deployment.error());
  std::set<std::string> seen;
  long long start_at = 0;
  for (int page = 0; page < options_.max_pages; ++page) {
    JiraCall call;
    call.operation = operation;
    call.path = fmt::format("/rest/api/2/issue/{}/comment?orderBy=-created&maxResults={}&startAt={}&expand=properties",
                            UrlEncode(key), options_.comment_page_size, start_at);
    auto response = transport_.Send(call);
    if (!response) return tl::make_unexpected(response.error());
    auto parsed = ParseCommentPage(response->body, deployment->UserIdMember());
    if (!parsed) return tl::make_unexpected(BadBody(operation, response->status, parsed.error()));
    for (const WireComment& comment : parsed->comments) {
      // A comment added while paging shifts the newest-first pages by one,
      // so the next page can repeat the last comment of this one.
      if (!seen.insert(comment.id).second) continue;
      if (visit(comment)) return util::Ok();
    }
    if (parsed->comments.empty()) return util::Ok();
    start_at = parsed->start_at + static_cast<long long>(parsed->comments.size());
    if (start_at >= parsed->total) return util::Ok();
  }
  util::log::Warn("{}: stopped after {} pages of comments", operation, options_.max_pages);
  return util::Ok();
}

util::Result<CommentPage> JiraHelpdesk::CommentsAfter(const std::string& key, const CommentCursor& cursor) {
  if (key.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira comments: empty key");
  CommentPage page;
  page.next = cursor;
  page.current.emplace();
  // Every page is read, not only those after the cursor: comments can be
  // edited or deleted (a deleted one is an id that is no longer listed),
  // and there is no list of changes to ask for. Only tickets the change
  // search reports are read, so the cost follows the changed tickets.
  auto walked = WalkComments(key, fmt::format("jira comments {}", key), [&](const WireComment& comment) {
    page.current->push_back(ToComment(comment));
    // Ids grow with time; one not above the cursor was handled before (the
    // cursor's own comment may be gone, so the walk does not stop there).
    if (!CommentIdNewer(comment.id, cursor)) return false;
    if (CommentIdNewer(comment.id, page.next)) page.next = comment.id;
    page.comments.push_back(page.current->back());
    return false;
  });
  if (!walked) return tl::make_unexpected(walked.error());
  std::reverse(page.comments.begin(), page.comments.end());  // walked newest first
  std::reverse(page.current->begin(), page.current->end());
  return page;
}

util::Result<Comment> JiraHelpdesk::AddPublicComment(const std::string& key, const bridge::RichText& body,
                                                     const std::string& marker) {
  if (key.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira comment: empty key");
  auto deployment = CurrentDeployment();
  if (!deployment) return tl::make_unexpected(deployment.error());
  std::string wiki = RenderWiki(body);
  // Cut, and say where the rest is, rather than lose the reply to a 400.
  if (bridge::CharCount(wiki) > kMaxCommentChars) wiki = TruncateWiki(wiki, kMaxCommentChars) + kShortenedNote;
  JiraCall call;
  call.operation = fmt::format("jira comment {}", key);
  call.method = "POST";
  call.path = fmt::format("/rest/api/2/issue/{}/comment?expand=properties", UrlEncode(key));
  call.body = AddCommentBody(wiki, marker);
  call.retry = Retry::kUnsafe;
  auto response = transport_.Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto comment = ParseComment(response->body, deployment->UserIdMember());
  if (!comment) return tl::make_unexpected(BadBody(call.operation, response->status, comment.error()));
  if (comment->marker.empty()) comment->marker = marker;
  return ToComment(*comment);
}

util::Result<std::optional<Comment>> JiraHelpdesk::FindCommentByMarker(const std::string& key,
                                                                       const std::string& marker) {
  if (key.empty()) return util::MakeError(util::ErrorCode::kInvalidInput, "jira comments: empty key");
  if (marker.empty()) return std::optional<Comment>();
  std::optional<Comment> found;
  auto walked = WalkComments(key, fmt::format("jira comments {}", key), [&](const WireComment& comment) {
    if (comment.marker != marker) return false;
    found = ToComment(comment);
    return true;
  });
  if (!walked) return tl::make_unexpected(walked.error());
  return found;
}

std::string JiraHelpdesk::CommentUrl(const std::string& key, const std::string& comment_id) const {
  std::string base = options_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return fmt::format("{}/browse/{}?focusedCommentId={}#comment-{}", base, key, comment_id, comment_id);
}

}  // namespace helpdesk::jira
