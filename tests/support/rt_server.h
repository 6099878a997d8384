// A real Request Tracker 5 (Debian's request-tracker5) for the RT tests: a
// private instance on 127.0.0.1 with its own directory (SQLite, its own
// site config, mail to mbox files, UTC), made from a template database
// that tests/support/rt/private_rt.sh builds once and every test copies.
// It holds a queue with the ticket custom field "slackdesk", the bot user
// "slackdesk-bot" (the rights fixture.data lists and explains) and the
// user "agent" who plays the helpdesk's people; each has a REST2 token.
//
// rt-server (Starlet, 2 workers, about 420 MB) runs in its own process
// group until the object is destroyed. The helpers talk REST2 with the
// agent's token. REQUIRES: libcurl initialised (include curl_global.h);
// every ctest test that starts one has RESOURCE_LOCK rt_server, so ctest
// runs one RT at a time.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon_process.h"
#include "util/error.h"
#include "util/http/curl_http_client.h"

namespace testing {

// A ticket as RT's REST2 shows it: the fields the tests check, and the JSON.
struct RtTicket {
  std::string subject;
  std::string status;
  std::vector<std::string> requestors;               // e-mail addresses
  std::map<std::string, std::string> custom_fields;  // name → first value
  std::string json;
};

// A transaction of a ticket's history: Create, Correspond, Comment, Status…
struct RtTransaction {
  long long id = 0;
  std::string type;
  std::string creator;  // the user's name
  std::string content;  // the text/plain parts, for Create, Correspond and Comment
};

// A file attached to a transaction (a MIME part with a file name).
struct RtFile {
  long long id = 0;
  std::string filename;
  std::string content_type;
  std::string content;  // the bytes, decoded
};

class RtServer {
 public:
  struct Options {
    std::string queue = "Support";
  };

  static constexpr const char* kServer = "/usr/share/request-tracker5/libexec/rt-server";

  // Prepares the directory and starts rt-server; returns once REST2 answers
  // the bot's token (at most about 30 s) or, if it does not, with Error() set.
  explicit RtServer(Options options);
  RtServer() : RtServer(Options{}) {}
  // SIGTERM to rt-server's process group, a bounded wait, then SIGKILL.
  ~RtServer();
  RtServer(const RtServer&) = delete;
  RtServer& operator=(const RtServer&) = delete;

  bool Ready() const { return ready_; }
  const std::string& Error() const { return error_; }
  // "http://127.0.0.1:<port>"; REST2 is under RestUrl().
  std::string BaseUrl() const;
  std::string RestUrl() const { return BaseUrl() + "/REST/2.0"; }
  const std::string& BotToken() const { return bot_token_; }
  const std::string& AgentToken() const { return agent_token_; }
  const std::string& Queue() const { return options_.queue; }
  // The folder where RT appends the mail it sends (<date>.mbox files).
  std::string MailDir() const { return dir_ + "/var"; }
  // Every mail RT sent so far, the mbox files one after the other.
  std::string Mail() const;
  // How the start went: whether the template was made or reused and how
  // long each step took, for the tests to print.
  const std::string& StartReport() const { return start_report_; }

  // One REST2 call: `path` below /REST/2.0 (e.g. "/ticket/1"), a JSON body
  // for POST and PUT, `token` for Authorization. A transport failure comes
  // back as status 0 with the reason in the body.
  util::http::HttpResponse Rest(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& token);

  // The agent's reply (public) or comment (internal); returns the new
  // transaction's id, which RT gives only in the Location header.
  util::Result<long long> AddCorrespondence(long long ticket, const std::string& text);
  util::Result<long long> AddComment(long long ticket, const std::string& text);
  // The agent's reply (`kind` "correspond") or comment ("comment") with one
  // file attached.
  util::Result<long long> AddMessageWithFile(long long ticket, const std::string& kind, const std::string& text,
                                             const RtFile& file);
  // Sets the ticket's status as the agent; an invalid one fails (RT answers
  // 200 with the refusal in its message array).
  util::Status SetStatus(long long ticket, const std::string& status);
  util::Result<RtTicket> GetTicket(long long ticket);
  // The ids of the queue's tickets, lowest first (at most 100).
  util::Result<std::vector<long long>> Tickets();
  // The ticket's whole history as the agent sees it, oldest first.
  util::Result<std::vector<RtTransaction>> Transactions(long long ticket);
  // The files attached to transaction `transaction`, in their order.
  util::Result<std::vector<RtFile>> Files(long long transaction);

 private:
  bool Prepare();
  bool WaitForRest();
  // `text_is_body`: `text` is the whole JSON body already.
  util::Result<long long> AddMessage(long long ticket, const std::string& kind, const std::string& text,
                                     bool text_is_body = false);
  util::Result<std::string> TextOf(long long transaction);

  Options options_;
  std::string dir_;
  int port_ = 0;
  bool ready_ = false;
  std::string error_;
  std::string bot_token_;
  std::string agent_token_;
  std::string start_report_;
  util::http::CurlHttpClient http_;
  std::unique_ptr<fake::DaemonProcess> server_;
};

}  // namespace testing
