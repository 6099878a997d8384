#include "rt_server.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "http_util.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace testing {
namespace {

using Clock = std::chrono::steady_clock;

// The template's first build runs RT's schema and data scripts (about 12 s
// on a busy 2-core machine); a test waiting on another's build waits too.
constexpr std::chrono::seconds kPrepareTimeout{150};
constexpr std::chrono::seconds kRestTimeout{30};
constexpr std::chrono::seconds kStopTimeout{15};

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

util::Error Failure(const std::string& what, const util::http::HttpResponse& response) {
  return util::Error{util::ErrorCode::kRemoteRejected,
                     fmt::format("{}: HTTP {} {}", what, response.status, response.body)};
}

}  // namespace

RtServer::RtServer(Options options) : options_(std::move(options)) {
  if (access(kServer, X_OK) != 0) {
    error_ = std::string(kServer) + " is missing: `make test` installs request-tracker5";
    return;
  }
  if (!Prepare()) return;
  auto start = Clock::now();
  // Its own process group (setsid execs in place), so the stop reaches the
  // Starlet workers too: they would keep the port and our output pipe.
  server_ = std::make_unique<fake::DaemonProcess>(
      "/usr/bin/setsid",
      std::vector<std::string>{kServer, "--server", "Starlet", "--host", "127.0.0.1", "--port", std::to_string(port_),
                               "--max-workers", "2"},
      fake::DaemonProcess::Env{{"RT_SITE_CONFIG", dir_ + "/RT_SiteConfig.pm"},
                               {"RT_SITE_CONFIG_DIR", dir_ + "/siteconfig.d"}});
  ready_ = WaitForRest();
  start_report_ += fmt::format("; rt-server answered REST2 after {:.1f} s", Seconds(Clock::now() - start));
}

RtServer::~RtServer() {
  if (server_) {
    kill(-server_->pid(), SIGTERM);
    server_->Wait(kStopTimeout);
    kill(-server_->pid(), SIGKILL);  // workers left behind, if any
    server_.reset();
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

bool RtServer::Prepare() {
  char pattern[] = "/tmp/slackdesk-rt-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    error_ = "mkdtemp failed";
    return false;
  }
  dir_ = pattern;
  port_ = fake::FreeLoopbackPort();
  auto start = Clock::now();
  fake::DaemonProcess setup(SLACKDESK_RT_SETUP, {dir_, std::to_string(port_), options_.queue}, {});
  int status = setup.Wait(kPrepareTimeout);
  std::string output = Joined(setup.Lines());
  if (status != 0) {
    error_ = fmt::format("{} failed ({}):\n{}", SLACKDESK_RT_SETUP, status, output);
    return false;
  }
  bot_token_ = ReadFile(dir_ + "/slackdesk-bot.token");
  agent_token_ = ReadFile(dir_ + "/agent.token");
  start_report_ = fmt::format("{}; instance prepared in {:.1f} s", util::Trim(output), Seconds(Clock::now() - start));
  return true;
}

bool RtServer::WaitForRest() {
  auto deadline = Clock::now() + kRestTimeout;
  std::string last;
  while (Clock::now() < deadline) {
    util::http::HttpResponse response = Rest("GET", "/rt", "", bot_token_);
    if (response.status == 200) return true;
    last = fmt::format("HTTP {} {}", response.status, response.body);
    if (server_->Wait(std::chrono::milliseconds(0)) != -1) break;
    // Until Starlet listens, connections are refused at once; once it does,
    // the request waits for a worker. rt-server logs nothing to wait on.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  error_ = fmt::format("RT did not answer REST2 within {} s (last: {}); rt-server said:\n{}", kRestTimeout.count(),
                       last, Joined(server_->Lines()));
  return false;
}

std::string RtServer::BaseUrl() const { return fmt::format("http://127.0.0.1:{}", port_); }

std::string RtServer::Mail() const {
  std::vector<std::string> files;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(MailDir(), ignored)) {
    if (entry.path().extension() == ".mbox") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());  // named after the date they were opened
  std::string out;
  for (const std::string& file : files) out += ReadFile(file);
  return out;
}

util::http::HttpResponse RtServer::Rest(const std::string& method, const std::string& path, const std::string& body,
                                        const std::string& token) {
  util::http::HttpRequest request;
  request.method = method;
  request.url = RestUrl() + path;
  request.headers = {{"Authorization", "token " + token}, {"Accept", "application/json"}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = body;
  // A file of many MB takes RT a while to decode and store.
  request.timeout = std::chrono::seconds(body.size() > 1024 * 1024 ? 120 : 20);
  auto response = http_.Send(request);
  if (!response) return util::http::HttpResponse{0, {}, response.error().message};
  return *response;
}

util::Result<long long> RtServer::AddCorrespondence(long long ticket, const std::string& text) {
  return AddMessage(ticket, "correspond", text);
}

util::Result<long long> RtServer::AddComment(long long ticket, const std::string& text) {
  return AddMessage(ticket, "comment", text);
}

util::Result<long long> RtServer::AddMessageWithFile(long long ticket, const std::string& kind,
                                                     const std::string& text, const RtFile& file) {
  std::string body = fmt::format(
      R"({{"Content":{},"ContentType":"text/plain","Attachments":[{{"FileName":{},"FileType":{},"FileContent":{}}}]}})",
      json::Quote(text), json::Quote(file.filename), json::Quote(file.content_type),
      json::Quote(fake::Base64Encode(file.content)));
  return AddMessage(ticket, kind, body, true);
}

util::Result<long long> RtServer::AddMessage(long long ticket, const std::string& kind, const std::string& text,
                                             bool text_is_body) {
  std::string body =
      text_is_body ? text : fmt::format(R"({{"Content":{},"ContentType":"text/plain"}})", json::Quote(text));
  auto response = Rest("POST", fmt::format("/ticket/{}/{}", ticket, kind), body, agent_token_);
  // "Location: /REST/2.0/transaction/N"; the body only says "Correspondence added".
  std::string location = response.Header("location");
  size_t slash = location.rfind('/');
  if (response.status != 201 || slash == std::string::npos) return tl::make_unexpected(Failure(kind, response));
  return std::atoll(location.c_str() + slash + 1);
}

util::Status RtServer::SetStatus(long long ticket, const std::string& status) {
  std::string body = fmt::format(R"({{"Status":{}}})", json::Quote(status));
  auto response = Rest("PUT", fmt::format("/ticket/{}", ticket), body, agent_token_);
  if (response.status != 200) return tl::make_unexpected(Failure("set status", response));
  // A refused status is a 200 too, its reason in the message array: read back.
  auto read = GetTicket(ticket);
  if (!read) return tl::make_unexpected(read.error());
  if (read->status != status) return tl::make_unexpected(Failure("set status " + status, response));
  return util::Ok();
}

util::Result<RtTicket> RtServer::GetTicket(long long ticket) {
  auto response = Rest("GET", fmt::format("/ticket/{}", ticket), "", agent_token_);
  rapidjson::Document doc;
  if (response.status != 200 || !json::Parse(response.body, doc).empty() || !doc.IsObject()) {
    return tl::make_unexpected(Failure("get ticket", response));
  }
  RtTicket out;
  out.subject = json::GetString(doc, "Subject");
  out.status = json::GetString(doc, "Status");
  if (const auto* requestors = json::GetArray(doc, "Requestor")) {
    for (const auto& user : requestors->GetArray()) out.requestors.push_back(json::GetString(user, "id"));
  }
  if (const auto* fields = json::GetArray(doc, "CustomFields")) {
    for (const auto& field : fields->GetArray()) {
      const auto* values = json::GetArray(field, "values");
      if (values != nullptr && !values->Empty() && values->Begin()->IsString()) {
        out.custom_fields[json::GetString(field, "name")] = values->Begin()->GetString();
      }
    }
  }
  out.json = response.body;
  return out;
}

util::Result<std::vector<long long>> RtServer::Tickets() {
  // Queue = '<queue>', encoded (the tests' queue names are plain words).
  auto response =
      Rest("GET", "/tickets?query=Queue%20%3D%20%27" + options_.queue + "%27&orderby=id&order=ASC&per_page=100", "",
           agent_token_);
  rapidjson::Document doc;
  const rapidjson::Value* items = nullptr;
  if (response.status != 200 || !json::Parse(response.body, doc).empty() || !doc.IsObject() ||
      (items = json::GetArray(doc, "items")) == nullptr) {
    return tl::make_unexpected(Failure("tickets", response));
  }
  std::vector<long long> ids;
  for (const auto& item : items->GetArray()) {
    if (item.IsObject()) ids.push_back(std::atoll(json::GetString(item, "id").c_str()));
  }
  return ids;
}

util::Result<std::vector<RtTransaction>> RtServer::Transactions(long long ticket) {
  std::vector<RtTransaction> out;
  // Pages of a non-superuser can be short and carry no total: read until an
  // empty one (bounded).
  for (int page = 1; page <= 50; ++page) {
    auto response =
        Rest("GET", fmt::format("/ticket/{}/history?fields=Type,Creator&per_page=100&page={}", ticket, page), "",
             agent_token_);
    rapidjson::Document doc;
    const rapidjson::Value* items = nullptr;
    if (response.status != 200 || !json::Parse(response.body, doc).empty() || !doc.IsObject() ||
        (items = json::GetArray(doc, "items")) == nullptr) {
      return tl::make_unexpected(Failure("history", response));
    }
    if (items->Empty()) return out;
    for (const auto& item : items->GetArray()) {
      RtTransaction transaction;
      transaction.id = std::atoll(json::GetString(item, "id").c_str());
      if (item.HasMember("id") && item["id"].IsInt64()) transaction.id = item["id"].GetInt64();
      transaction.type = json::GetString(item, "Type");
      if (const auto* creator = json::GetObject(item, "Creator")) transaction.creator = json::GetString(*creator, "id");
      if (transaction.type == "Create" || transaction.type == "Correspond" || transaction.type == "Comment") {
        auto text = TextOf(transaction.id);
        if (!text) return tl::make_unexpected(text.error());
        transaction.content = *text;
      }
      out.push_back(std::move(transaction));
    }
  }
  return out;
}

util::Result<std::string> RtServer::TextOf(long long transaction) {
  auto response =
      Rest("GET", fmt::format("/transaction/{}/attachments?fields=ContentType,Content", transaction), "", agent_token_);
  rapidjson::Document doc;
  const rapidjson::Value* items = nullptr;
  if (response.status != 200 || !json::Parse(response.body, doc).empty() || !doc.IsObject() ||
      (items = json::GetArray(doc, "items")) == nullptr) {
    return tl::make_unexpected(Failure("attachments", response));
  }
  std::string text;
  for (const auto& item : items->GetArray()) {
    if (json::GetString(item, "ContentType") == "text/plain") text += json::GetString(item, "Content");
  }
  return text;
}

util::Result<std::vector<RtFile>> RtServer::Files(long long transaction) {
  auto response = Rest("GET", fmt::format("/transaction/{}/attachments?fields=Filename,ContentType&per_page=100",
                                          transaction),
                       "", agent_token_);
  rapidjson::Document doc;
  const rapidjson::Value* items = nullptr;
  if (response.status != 200 || !json::Parse(response.body, doc).empty() || !doc.IsObject() ||
      (items = json::GetArray(doc, "items")) == nullptr) {
    return tl::make_unexpected(Failure("attachments", response));
  }
  std::vector<RtFile> files;
  for (const auto& item : items->GetArray()) {
    if (json::GetString(item, "Filename").empty()) continue;  // the message's own parts
    RtFile file;
    file.id = std::atoll(json::GetString(item, "id").c_str());
    file.filename = json::GetString(item, "Filename");
    file.content_type = json::GetString(item, "ContentType");
    // One attachment's Content comes base64-encoded (REST2's Attachment.pm).
    auto one = Rest("GET", fmt::format("/attachment/{}", file.id), "", agent_token_);
    rapidjson::Document attachment;
    if (one.status != 200 || !json::Parse(one.body, attachment).empty() || !attachment.IsObject()) {
      return tl::make_unexpected(Failure("attachment", one));
    }
    std::string encoded = json::GetString(attachment, "Content");
    encoded.erase(std::remove_if(encoded.begin(), encoded.end(), [](char c) { return c == '\n' || c == '\r'; }),
                  encoded.end());
    file.content = fake::Base64Decode(encoded);
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace testing
