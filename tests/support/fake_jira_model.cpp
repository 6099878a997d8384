#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "fake_jira_impl.h"
#include "util/strings.h"

namespace fake {

using jira::kInternalProperty;

long long FakeJira::Impl::NowMsLocked() const {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<Millis>(since_epoch).count() + skew_ms;
}

const FakeJira::Impl::User* FakeJira::Impl::FindUser(const std::string& account_id) const {
  for (const User& user : users) {
    if (user.account_id == account_id) return &user;
  }
  return nullptr;
}

std::string FakeJira::Impl::ZoneOf(const User& user) const {
  return user.account_id == BotId() ? time_zone : user.time_zone;
}

FakeJira::Impl::Issue* FakeJira::Impl::FindIssue(const std::string& key_or_id) {
  for (auto& [number, issue] : issues) {
    if (issue.key == key_or_id || issue.id == key_or_id) return &issue;
  }
  // Keys are case-insensitive in URLs.
  std::string upper = key_or_id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto& [number, issue] : issues) {
    if (issue.key == upper) return &issue;
  }
  return nullptr;
}

FakeJira::Impl::Snapshot FakeJira::Impl::FreshSnapshot(const Issue& issue) const {
  Snapshot snapshot;
  snapshot.visible_at = std::chrono::steady_clock::now();
  snapshot.updated_ms = issue.updated_ms;
  snapshot.status = issue.status;
  snapshot.category = issue.category;
  snapshot.text = issue.summary + "\n" + issue.description;
  for (const auto& [field, value] : issue.fields) snapshot.text += "\n" + value;
  for (const Comment& comment : issue.comments) snapshot.text += "\n" + comment.body;
  snapshot.text = util::Lower(snapshot.text);
  return snapshot;
}

void FakeJira::Impl::IndexLocked(Issue& issue) {
  Snapshot snapshot = FreshSnapshot(issue);
  snapshot.visible_at += search_lag;
  issue.snapshots.push_back(std::move(snapshot));
  auto now = std::chrono::steady_clock::now();
  size_t last_visible = 0;
  for (size_t i = 0; i < issue.snapshots.size(); ++i) {
    if (issue.snapshots[i].visible_at <= now) last_visible = i;
  }
  issue.snapshots.erase(issue.snapshots.begin(), issue.snapshots.begin() + static_cast<long>(last_visible));
}

const FakeJira::Impl::Snapshot* FakeJira::Impl::VisibleSnapshot(const Issue& issue) const {
  auto now = std::chrono::steady_clock::now();
  const Snapshot* visible = nullptr;
  for (const Snapshot& snapshot : issue.snapshots) {
    if (snapshot.visible_at <= now) visible = &snapshot;
  }
  return visible;
}

FakeJira::Impl::Issue& FakeJira::Impl::CreateIssueLocked(Desk& desk, const std::string& summary,
                                                         const std::string& description, const std::string& reporter,
                                                         const std::string& request_type_id) {
  int number = next_issue++;
  Issue& issue = issues[number];
  issue.number = number;
  issue.id = std::to_string(10000 + number);
  // Ids count across the site, keys within the project.
  issue.key = fmt::format("{}-{}", desk.project_key, desk.next_number++);
  issue.desk_id = desk.id;
  issue.project_key = desk.project_key;
  issue.project_id = desk.project_id;
  issue.summary = summary;
  issue.description = description;
  issue.reporter = reporter;
  issue.request_type_id = request_type_id;
  issue.status = "Waiting for support";
  issue.category = "new";
  issue.created_ms = issue.updated_ms = issue.status_ms = NowMsLocked();
  return issue;
}

FakeJira::Impl::Comment& FakeJira::Impl::AddCommentLocked(Issue& issue, const std::string& author,
                                                          const std::string& body, bool is_public,
                                                          std::vector<JiraCommentProperty> properties) {
  Comment comment;
  comment.id = next_comment++;
  comment.body = body;
  comment.is_public = is_public;
  comment.author = author;
  comment.created_ms = NowMsLocked();
  comment.updated_ms = comment.created_ms;
  bool has_internal_property = false;
  for (const JiraCommentProperty& property : properties) has_internal_property |= property.key == kInternalProperty;
  if (!is_public && !has_internal_property) properties.push_back({kInternalProperty, R"({"internal":true})"});
  comment.properties = std::move(properties);
  issue.comments.push_back(std::move(comment));
  // Adding a comment, public or internal, bumps the issue's `updated`.
  issue.updated_ms = std::max(issue.updated_ms, issue.comments.back().created_ms);
  IndexLocked(issue);
  Bump();
  return issue.comments.back();
}

std::string FakeJira::Impl::AgentLocked(const std::string& display_name) {
  for (const User& user : users) {
    if (!user.customer && user.display_name == display_name) return user.account_id;
  }
  std::string name = util::Lower(display_name);
  std::replace(name.begin(), name.end(), ' ', '.');
  // Data Center names users by username ("grace.hopper"), Cloud by accountId.
  std::string account_id = dc ? name : fmt::format("712020:0b7e6a4c-agent-{:04d}", next_agent);
  ++next_agent;
  std::string key = dc ? NextUserKeyLocked() : "";
  users.push_back(
      User{account_id, key, name + "@agents.example.com", display_name, dc ? "" : "atlassian", "Europe/London", false});
  return account_id;
}

int FakeJira::Impl::StatusIdLocked(const std::string& name) {
  auto it = status_ids.find(name);
  if (it != status_ids.end()) return it->second;
  int id = 10001 + static_cast<int>(status_ids.size());
  status_ids[name] = id;
  return id;
}

const FakeJira::Impl::User& FakeJira::Impl::UserOrBot(const std::string& account_id) const {
  const User* user = FindUser(account_id);
  return user != nullptr ? *user : users.front();
}

std::string FakeJira::Impl::FieldLabel(const Issue& issue, const std::string& field_id) const {
  const RequestType* type = FindRequestType(issue.desk_id, issue.request_type_id);
  if (type != nullptr) {
    for (const JiraRequestField& field : type->fields) {
      if (field.field_id == field_id) return field.name;
    }
  }
  return field_id;
}

JiraIssue FakeJira::Impl::Export(const Issue& issue) const {
  JiraIssue out;
  out.id = issue.id;
  out.key = issue.key;
  out.summary = issue.summary;
  out.description = issue.description;
  out.reporter_account_id = issue.reporter;
  out.request_type_id = issue.request_type_id;
  out.service_desk_id = issue.desk_id;
  out.field_values_json = issue.received;
  out.status = issue.status;
  out.status_category = issue.category;
  out.created_ms = issue.created_ms;
  out.updated_ms = issue.updated_ms;
  for (const Comment& comment : issue.comments) {
    out.comments.push_back(JiraComment{std::to_string(comment.id), comment.body, comment.is_public, comment.author,
                                       UserOrBot(comment.author).display_name, comment.created_ms, comment.properties,
                                       comment.updated_ms});
  }
  out.attachments = issue.attachments;
  return out;
}

}  // namespace fake
