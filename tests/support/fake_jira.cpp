#include "fake_jira.h"

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "fake_jira_fields.h"
#include "fake_jira_impl.h"
#include "fake_jira_time.h"
#include "http_util.h"
#include "util/strings.h"

namespace fake {

FakeJira::Impl::Impl(JiraDeployment deployment) : dc(deployment == JiraDeployment::kDataCenter) {
  if (dc) {
    users.push_back(User{kBotUsername, kBotUserKey, kEmail, kBotDisplayName, "", "", false});
    search_cap = 1000;  // silently clamped there (behind-the-firewall.md section 5)
  } else {
    users.push_back(User{kBotAccountId, "", kEmail, kBotDisplayName, "atlassian", "", false});
  }
  attachment_limit = dc ? 10LL * 1024 * 1024 : 1024LL * 1024 * 1024;
  transitions = DefaultTransitions();
  AddDeskLocked(kServiceDeskId, kProjectKey, kPortalId);
  RequestType& type = DefineRequestTypeLocked(kServiceDeskId, kRequestTypeId, kRequestTypeName);
  type.fields.push_back(jira::StringField("summary", "Summary", true, "summary"));
  type.fields.push_back(jira::StringField("description", "Description", false, "description"));
}

FakeJira::FakeJira(JiraDeployment deployment) : impl_(std::make_unique<Impl>(deployment)) {
  impl_->http.Start([this](const HttpRequest& request) { return impl_->Handle(request); });
}

FakeJira::~FakeJira() { impl_->http.Stop(); }

int FakeJira::port() const { return impl_->http.port(); }
std::string FakeJira::base_url() const { return impl_->http.base_url(); }

std::string FakeJira::BasicAuthorization() {
  return "Basic " + Base64Encode(std::string(kEmail) + ":" + kApiToken);
}

std::string FakeJira::BearerAuthorization() { return std::string("Bearer ") + kPersonalAccessToken; }

JiraDeployment FakeJira::deployment() const { return impl_->dc ? JiraDeployment::kDataCenter : JiraDeployment::kCloud; }

std::string FakeJira::BotId() const { return impl_->dc ? kBotUsername : kBotAccountId; }

bool FakeJira::SetTimeZone(const std::string& zone) {
  if (!KnownTimeZone(zone)) return false;
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->time_zone = zone;
  impl_->Bump();
  return true;
}

void FakeJira::SetSearchLag(Millis lag) { impl_->signal.Write(impl_->search_lag, lag); }

void FakeJira::SetClockSkew(Millis skew) { impl_->signal.Write(impl_->skew_ms, skew.count()); }

void FakeJira::SetCommentPageCap(int cap) { impl_->signal.Write(impl_->comment_page_cap, std::max(cap, 1)); }

void FakeJira::SetSearchMaxResults(int cap) { impl_->signal.Write(impl_->search_cap, std::max(cap, 1)); }

void FakeJira::AllowBasicAuth(bool allowed) { impl_->signal.Write(impl_->basic_allowed, allowed); }

void FakeJira::SetCanRaiseOnBehalfOf(bool allowed) { impl_->signal.Write(impl_->can_raise_on_behalf, allowed); }

void FakeJira::AddRequestField(const std::string& field_id, const std::string& label) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  Impl::RequestType& type = impl_->DefineRequestTypeLocked(kServiceDeskId, kRequestTypeId, kRequestTypeName);
  type.fields.push_back(jira::StringField(field_id, label, false, ""));
}

bool FakeJira::AddServiceDesk(const std::string& desk_id, const std::string& project_key,
                              const std::string& portal_id) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  if (desk_id.empty() || project_key.empty() || impl_->FindDesk(desk_id) != nullptr ||
      impl_->FindDesk(project_key) != nullptr) {
    return false;
  }
  impl_->AddDeskLocked(desk_id, project_key, portal_id);
  impl_->Bump();
  return true;
}

void FakeJira::AddRequestType(const std::string& service_desk_id, const std::string& request_type_id,
                              const std::string& name, std::vector<JiraRequestField> fields) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  const Impl::Desk* desk = impl_->FindDesk(service_desk_id);
  if (desk == nullptr || desk->id != service_desk_id) {
    impl_->AddDeskLocked(service_desk_id, "SD" + service_desk_id, service_desk_id);
  }
  impl_->DefineRequestTypeLocked(service_desk_id, request_type_id, name).fields = std::move(fields);
  impl_->Bump();
}

void FakeJira::SetOutage(bool down, int status) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->outage = down;
  impl_->outage_status = status;
  impl_->Bump();
}

void FakeJira::FailNext(const std::string& method, const std::string& path_prefix, int status, int retry_after_s,
                        int times) {
  if (times <= 0) return;
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->faults.push_back(Impl::Fault{method, path_prefix, status, retry_after_s, times, std::nullopt});
}

void FakeJira::AnswerNext(const std::string& method, const std::string& path_prefix, const RawAnswer& answer,
                          int times) {
  if (times <= 0) return;
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->faults.push_back(Impl::Fault{method, path_prefix, answer.status, -1, times, answer});
}

void FakeJira::ClearFaults() {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->faults.clear();
}

std::string FakeJira::AddCustomer(const std::string& email, const std::string& display_name) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  int n = impl_->next_customer++;
  if (impl_->dc) {
    // "The customer's username is their email address."
    impl_->users.push_back(Impl::User{email, impl_->NextUserKeyLocked(), email, display_name, "", "UTC", true});
    impl_->Bump();
    return email;
  }
  std::string account_id = fmt::format("qm:9f3c2b1a-5d4e-4f60-8a7b-{:012d}:6c1e2d3f-customer-{:04d}", n, n);
  impl_->users.push_back(Impl::User{account_id, "", email, display_name, "customer", "UTC", true});
  impl_->Bump();
  return account_id;
}

std::string FakeJira::CreateRequest(const std::string& summary, const std::string& description,
                                    const std::string& reporter_account_id) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  std::string reporter = reporter_account_id.empty() ? impl_->BotId() : reporter_account_id;
  if (impl_->FindUser(reporter) == nullptr) return {};
  Impl::Issue& issue = impl_->CreateIssueLocked(impl_->desks.front(), summary, description, reporter, kRequestTypeId);
  impl_->IndexLocked(issue);
  impl_->Bump();
  return issue.key;
}

std::string FakeJira::AddAgentComment(const std::string& key, const std::string& author_display_name,
                                      const std::string& body, bool is_public) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr) return {};
  std::string author = impl_->AgentLocked(author_display_name);
  return std::to_string(impl_->AddCommentLocked(*issue, author, body, is_public, {}).id);
}

bool FakeJira::EditComment(const std::string& key, const std::string& id, const std::string& editor_display_name,
                           const std::string& body) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr) return false;
  for (Impl::Comment& comment : issue->comments) {
    if (std::to_string(comment.id) != id) continue;
    comment.body = body;
    comment.update_author = impl_->AgentLocked(editor_display_name);
    // Strictly later, so a poll in the same millisecond still tells.
    comment.updated_ms = std::max(impl_->NowMsLocked(), comment.updated_ms + 1);
    issue->updated_ms = std::max(issue->updated_ms + 1, comment.updated_ms);
    impl_->IndexLocked(*issue);
    impl_->Bump();
    return true;
  }
  return false;
}

bool FakeJira::DeleteComment(const std::string& key, const std::string& id) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr) return false;
  auto& comments = issue->comments;
  auto it = std::find_if(comments.begin(), comments.end(),
                         [&](const Impl::Comment& comment) { return std::to_string(comment.id) == id; });
  if (it == comments.end()) return false;
  comments.erase(it);
  issue->updated_ms = std::max(issue->updated_ms + 1, impl_->NowMsLocked());
  impl_->IndexLocked(*issue);
  impl_->Bump();
  return true;
}

std::string FakeJira::AddCustomerComment(const std::string& key, const std::string& account_id,
                                         const std::string& body) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr || impl_->FindUser(account_id) == nullptr) return {};
  return std::to_string(impl_->AddCommentLocked(*issue, account_id, body, true, {}).id);
}

bool FakeJira::SetStatus(const std::string& key, const std::string& name, const std::string& category) {
  if (category != "new" && category != "indeterminate" && category != "done") return false;
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr) return false;
  issue->status = name;
  issue->category = category;
  issue->status_ms = impl_->NowMsLocked();
  issue->updated_ms = std::max(issue->updated_ms, issue->status_ms);
  impl_->IndexLocked(*issue);
  impl_->Bump();
  return true;
}

long long FakeJira::NowMs() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->NowMsLocked();
}

std::vector<JiraRequest> FakeJira::Requests() const { return impl_->signal.Read(impl_->requests); }

int FakeJira::CountRequests(const std::string& method, const std::string& path_prefix) const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  int count = 0;
  for (const JiraRequest& request : impl_->requests) {
    if ((method.empty() || request.method == method) && util::StartsWith(request.path, path_prefix)) ++count;
  }
  return count;
}

std::vector<JiraIssue> FakeJira::Issues() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  std::vector<JiraIssue> out;
  for (const auto& [number, issue] : impl_->issues) out.push_back(impl_->Export(issue));
  return out;
}

std::optional<JiraIssue> FakeJira::Issue(const std::string& key) const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr) return std::nullopt;
  return impl_->Export(*issue);
}

bool FakeJira::WaitFor(const std::function<bool()>& predicate, Millis timeout) const {
  return impl_->signal.WaitFor(predicate, timeout);
}

bool FakeJira::WaitForRequests(const std::string& method, const std::string& path_prefix, int count,
                               Millis timeout) const {
  return WaitFor([&] { return CountRequests(method, path_prefix) >= count; }, timeout);
}

bool FakeJira::WaitForSearchable(const std::string& key, Millis timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(impl_->signal.mutex());
  while (true) {
    auto now = std::chrono::steady_clock::now();
    Impl::Issue* issue = impl_->FindIssue(key);
    if (issue != nullptr && !issue->snapshots.empty() && issue->snapshots.back().visible_at <= now) return true;
    if (now >= deadline) return false;
    // Wake when the newest change becomes visible, or when the state changes
    // (the issue may not exist yet, or a newer change may move the target).
    auto until = deadline;
    if (issue != nullptr && !issue->snapshots.empty()) until = std::min(until, issue->snapshots.back().visible_at);
    impl_->signal.WaitUntil(lock, until);
  }
}

bool FakeJira::WaitForClockPast(long long epoch_ms, Millis timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(impl_->signal.mutex());
  while (true) {
    long long now = impl_->NowMsLocked();
    if (now > epoch_ms) return true;
    auto steady_now = std::chrono::steady_clock::now();
    if (steady_now >= deadline) return false;
    impl_->signal.WaitUntil(lock, std::min(deadline, steady_now + Millis(epoch_ms - now + 1)));
  }
}

}  // namespace fake
