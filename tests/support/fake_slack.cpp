#include "fake_slack.h"

#include <cctype>
#include <chrono>
#include <mutex>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "fake_slack_impl.h"
#include "http_util.h"
#include "util/strings.h"

namespace fake {

using detail::Reply;
using detail::SlackError;

FakeSlack::FakeSlack() : impl_(std::make_unique<Impl>()) {
  impl_->InstallSocketHandlers();
  impl_->http.Start([this](const HttpRequest& request) { return impl_->Handle(request); });
}

FakeSlack::~FakeSlack() {
  // Drop the connections still open (without close frames), then stop.
  impl_->http.Stop([this] {
    std::lock_guard<std::mutex> lock(impl_->signal.mutex());
    impl_->DropAllLocked();
  });
}

int FakeSlack::port() const { return impl_->http.port(); }
std::string FakeSlack::api_url() const { return impl_->http.base_url() + "/api"; }

HttpResponse FakeSlack::Impl::Handle(const HttpRequest& request) {
  if (auto file = ServeFile(request)) return *file;
  if (auto upload = ServeUpload(request)) return *upload;
  std::string path = request.Path();
  std::string method = util::StartsWith(path, "/api/") ? path.substr(5) : "";
  ApiCall call{method, request.Header("Authorization"), request.Header("Content-Type"), request.body,
               std::chrono::steady_clock::now()};
  if (auto raw = TakeRawAnswer(call)) return ToHttpResponse(*raw);
  std::optional<std::string> scopes;
  Reply reply = Dispatch(call, request.resource, &scopes);
  HttpResponse response;
  response.status = reply.status;
  response.content_type = reply.html ? "text/html" : "application/json; charset=utf-8";
  if (reply.retry_after_s >= 0) response.headers.emplace_back("Retry-After", std::to_string(reply.retry_after_s));
  if (scopes) response.headers.emplace_back("x-oauth-scopes", *scopes);
  response.body = reply.body;
  return response;
}

std::optional<RawAnswer> FakeSlack::Impl::TakeRawAnswer(const ApiCall& call) {
  std::lock_guard<std::mutex> lock(signal.mutex());
  auto queue = raw_answers.find(call.method);
  if (queue == raw_answers.end() || queue->second.empty()) return std::nullopt;
  RawAnswer answer = queue->second.front();
  queue->second.erase(queue->second.begin());
  calls.push_back(call);
  Bump();
  return answer;
}

Reply FakeSlack::Impl::Dispatch(const ApiCall& call, const std::string& resource, std::optional<std::string>* scopes) {
  std::lock_guard<std::mutex> lock(signal.mutex());
  calls.push_back(call);
  Bump();
  auto failure = failures.find(call.method);
  if (failure != failures.end() && !failure->second.empty()) {
    Failure f = failure->second.front();
    failure->second.erase(failure->second.begin());
    if (f.html_body)
      return Reply{f.http_status, "<html><body>Service Unavailable</body></html>", f.retry_after_s, true};
    std::string error = !f.error.empty() ? f.error : f.http_status == 429 ? "ratelimited" : "internal_error";
    return Reply{f.http_status, fmt::format(R"({{"ok":false,"error":"{}"}})", error), f.retry_after_s};
  }
  std::string token;
  if (util::StartsWith(call.authorization, "Bearer ")) token = call.authorization.substr(7);
  rapidjson::Document args;
  if (!ParseArgs(call, resource, &args)) return SlackError("invalid_json");
  // Slack also takes the token as a `token` argument of a form body (the
  // Go and Node SDKs send it so), though never in the query string.
  if (token.empty() && !util::StartsWith(call.content_type, "application/json")) {
    for (const auto& [key, value] : ParseForm(call.body)) {
      if (key == "token") token = value;
    }
  }
  if (call.method == "apps.connections.open") return AppsConnectionsOpen(token);
  if (token.empty()) return SlackError("not_authed");
  if (util::StartsWith(token, "xapp-")) return SlackError("not_allowed_token_type");
  if (token != kBotToken) return SlackError("invalid_auth");
  // Slack names the token's scopes on every answer to a call it authenticated.
  *scopes = api.ScopesHeader();
  if (call.method == "auth.test") {
    return Reply{
        200,
        fmt::format(
            R"({{"ok":true,"url":"https://fake.slack.test/","team":"Fake Workspace","user":"slackdesk","team_id":"T0001","user_id":"{}","bot_id":"{}","is_enterprise_install":false}})",
            kBotUserId, kBotId)};
  }
  if (call.method == "files.info") return FilesInfo(args);
  if (call.method == "files.getUploadURLExternal") return GetUploadUrl(args);
  if (call.method == "files.completeUploadExternal") return CompleteUpload(args);
  Reply reply = api.Handle(call.method, args, call.at);
  Bump();  // views, messages, edits
  return reply;
}

bool FakeSlack::Impl::ParseArgs(const ApiCall& call, const std::string& resource, rapidjson::Document* args) {
  args->SetObject();
  if (util::StartsWith(call.content_type, "application/json")) {
    if (call.body.empty()) return true;
    args->Parse(call.body.c_str());
    return !args->HasParseError() && args->IsObject();
  }
  std::string form = call.body;
  size_t query = resource.find('?');
  if (query != std::string::npos) form += (form.empty() ? "" : "&") + resource.substr(query + 1);
  for (const auto& [key, value] : ParseForm(form)) {
    args->AddMember(rapidjson::Value(key.c_str(), args->GetAllocator()),
                    rapidjson::Value(value.c_str(), args->GetAllocator()), args->GetAllocator());
  }
  return true;
}

Reply FakeSlack::Impl::AppsConnectionsOpen(const std::string& token) {
  if (token.empty()) return SlackError("not_authed");
  if (!util::StartsWith(token, "xapp-")) return SlackError("not_allowed_token_type");
  if (token != kAppToken) return SlackError("invalid_auth");
  std::string ticket = fmt::format("fake-ticket-{}", next_ticket++);
  tickets[ticket] = false;
  std::string base = socket_url_base.empty() ? fmt::format("ws://127.0.0.1:{}", http.port()) : socket_url_base;
  return Reply{200, fmt::format(R"({{"ok":true,"url":"{}/link/?ticket={}&app_id=A0001"}})", base, ticket)};
}

void FakeSlack::SetSocketUrlBase(std::string base) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->socket_url_base = std::move(base);
}

void FakeSlack::FailNext(const std::string& method, const Failure& failure, int times) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  for (int i = 0; i < times; ++i) impl_->failures[method].push_back(failure);
}

void FakeSlack::AnswerNext(const std::string& method, const RawAnswer& answer, int times) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  for (int i = 0; i < times; ++i) impl_->raw_answers[method].push_back(answer);
}

std::vector<ApiCall> FakeSlack::Calls(const std::string& method) const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  std::vector<ApiCall> result;
  for (const ApiCall& call : impl_->calls) {
    if (method.empty() || call.method == method) result.push_back(call);
  }
  return result;
}

std::vector<PostedMessage> FakeSlack::Messages() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->api.messages;
}

size_t FakeSlack::MessageTotal() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->api.messages.size();
}

std::vector<PostedMessage> FakeSlack::UserMessages() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->api.user_messages;
}

std::vector<OpenedView> FakeSlack::Views() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->api.views;
}

std::vector<ViewUpdate> FakeSlack::ViewUpdates() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->api.view_updates;
}

void FakeSlack::AddUser(const std::string& id, const std::string& real_name, const std::string& display_name,
                        const std::string& email) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->api.AddUser(id, real_name, display_name, email);
}

void FakeSlack::AddExternalUser(const std::string& id, const std::string& real_name, const std::string& email,
                                const std::string& team_id, const std::string& team_name) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  std::string domain = team_name;
  for (char& c : domain) c = c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  impl_->api.AddExternalUser(id, real_name, email, team_id, team_name, domain);
}

void FakeSlack::AddThreadParent(const std::string& channel, const std::string& ts, const std::string& user,
                                const std::string& text) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->api.AddUserMessage(channel, ts, user, text, "");
  impl_->Bump();
}

void FakeSlack::SetPostRateLimit(bool on) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->api.post_rate_limit = on;
}

void FakeSlack::SetChannel(const std::string& id, const ChannelSpec& spec) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->api.channels[id] = spec;
}

void FakeSlack::SetGrantedScopes(const std::optional<std::vector<std::string>>& scopes) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->api.granted_scopes = scopes;
}

std::string FakeSlack::IssueTriggerId(const std::string& user) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->api.IssueTrigger(user, std::chrono::steady_clock::now());
}

std::string FakeSlack::PostAsUser(const std::string& channel, const std::string& user, const std::string& text,
                                  const std::string& thread_ts) {
  std::string payload;
  {
    std::lock_guard<std::mutex> lock(impl_->signal.mutex());
    const PostedMessage& message = impl_->api.AddUserMessage(channel, "", user, text, thread_ts);
    payload = impl_->api.MessageEventPayload(message);
    impl_->Bump();
  }
  return SendEnvelope("events_api", payload);
}

std::string FakeSlack::ClickButton(const std::string& message_ts_or_empty, const std::string& channel,
                                   const std::string& thread_ts, const std::string& user, const std::string& action_id,
                                   const std::string& value) {
  std::string payload;
  {
    std::lock_guard<std::mutex> lock(impl_->signal.mutex());
    payload = impl_->api.ClickPayload(message_ts_or_empty, channel, thread_ts, user, action_id, value,
                                      std::chrono::steady_clock::now());
  }
  return SendEnvelope("interactive", payload);
}

std::string FakeSlack::SubmitView(const std::string& view_id, const std::string& user,
                                  const std::string& state_values_json) {
  std::string payload;
  {
    std::lock_guard<std::mutex> lock(impl_->signal.mutex());
    payload = impl_->api.SubmitPayload(view_id, user, state_values_json, std::chrono::steady_clock::now());
  }
  if (payload.empty()) return {};
  return SendEnvelope("interactive", payload);
}

std::string FakeSlack::SelectInView(const std::string& view_id, const std::string& user, const std::string& block_id,
                                    const std::string& action_id, const std::string& value, const std::string& label,
                                    const std::string& state_values_json) {
  std::string payload;
  {
    std::lock_guard<std::mutex> lock(impl_->signal.mutex());
    payload = impl_->api.SelectPayload(view_id, user, block_id, action_id, value, label, state_values_json,
                                       std::chrono::steady_clock::now());
  }
  if (payload.empty()) return {};
  return SendEnvelope("interactive", payload);
}

std::string FakeSlack::SuggestInView(const std::string& view_id, const std::string& user, const std::string& block_id,
                                     const std::string& action_id, const std::string& query) {
  std::string payload;
  {
    std::lock_guard<std::mutex> lock(impl_->signal.mutex());
    payload = impl_->api.SuggestPayload(view_id, user, block_id, action_id, query);
  }
  if (payload.empty()) return {};
  return SendEnvelope("interactive", payload);
}

bool FakeSlack::WaitFor(const std::function<bool()>& predicate, Millis timeout) const {
  return impl_->signal.WaitFor(predicate, timeout);
}

bool FakeSlack::WaitForOpenConnections(int count, Millis timeout) const {
  return WaitFor([&] { return OpenConnections() == count; }, timeout);
}

bool FakeSlack::WaitForHellos(int count, Millis timeout) const {
  return WaitFor([&] { return HellosSent() >= count; }, timeout);
}

bool FakeSlack::WaitForAck(const std::string& envelope_id, Millis timeout) const {
  return WaitFor([&] { return AckCount(envelope_id) > 0; }, timeout);
}

bool FakeSlack::WaitForCalls(const std::string& method, int count, Millis timeout) const {
  return WaitFor([&] { return static_cast<int>(Calls(method).size()) >= count; }, timeout);
}

bool FakeSlack::WaitForViews(int count, Millis timeout) const {
  return WaitFor([&] { return static_cast<int>(Views().size()) >= count; }, timeout);
}

bool FakeSlack::WaitForViewUpdates(int count, Millis timeout) const {
  return WaitFor([&] { return static_cast<int>(ViewUpdates().size()) >= count; }, timeout);
}

}  // namespace fake