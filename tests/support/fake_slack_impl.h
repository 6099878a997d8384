// The fake Slack's state and server handlers, shared by fake_slack.cpp (the
// Web API side and waiting) and fake_slack_socket.cpp (Socket Mode) and
// private to them. Handlers run on the server thread; everything below
// `signal` is guarded by signal.mutex(), and websocketpp objects are touched
// on the server thread only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "fake_slack.h"
#include "fake_slack_web_api.h"
#include "loopback_http_server.h"
#include "state_signal.h"

namespace fake {

struct FakeSlack::Impl {
  using Server = LoopbackHttpServer::Server;
  using Reply = detail::Reply;

  struct Connection {
    int index = 0;
    websocketpp::connection_hdl hdl;
    bool open = true;
    bool hello = false;
    bool retiring = false;
    bool silent = false;
  };

  StateSignal signal;                     // its mutex guards everything below
  std::map<int, Connection> connections;  // by index, in order of opening
  int connections_accepted = 0;
  int hellos_sent = 0;
  int max_simultaneous_open = 0;
  int pings_received = 0;
  int next_ticket = 1;
  std::string socket_url_base;  // "" means ws://127.0.0.1:<port>
  std::map<std::string, bool> tickets;  // ticket → used
  bool send_hello = true;
  bool link_disabled = false;
  int max_connections = 10;
  std::vector<Ack> acks;
  std::vector<ApiCall> calls;
  std::map<std::string, std::vector<Failure>> failures;  // method → queue
  std::map<std::string, std::vector<RawAnswer>> raw_answers;  // method → queue
  detail::WebApi api;                                    // the bot-token methods and their state
  struct File {
    std::string name;
    std::string mimetype;
    std::string content;
    int sign_in_pages = 0;  // the next requests answered the sign-in page (-1: all)
    int downloads = 0;
    std::string json;     // the file object
    std::string refusal;  // files.info's error for it ("" : answered)
  };
  std::map<std::string, File> files;  // by id
  int next_file = 1;
  int downloads_without_token = 0;
  std::map<std::string, SlackUpload> uploads;  // by file id
  long long upload_limit = 1LL << 30;
  int next_envelope = 1;
  // Last, so that it stops before the state it serves goes away.
  LoopbackHttpServer http;

  void Bump() { signal.Bump(); }
  Server& server() { return http.server(); }

  // --- Socket Mode (fake_slack_socket.cpp) ---------------------------------
  // Registers the WebSocket handlers on http.server().
  void InstallSocketHandlers();
  // Closes every open connection's socket (server thread, before stopping).
  void DropAllLocked();
  int OpenCountLocked() const;
  // The connection new envelopes go to: newest open with hello, not retiring
  // (falling back to a retiring one: Slack still delivers there until it
  // closes it).
  Connection* TargetLocked();
  Connection* NewestOpenLocked();
  // The connection `hdl` belongs to, or nullptr.
  Connection* FindLocked(websocketpp::connection_hdl hdl);
  void SendOn(websocketpp::connection_hdl hdl, const std::string& text);
  void CloseAfter(websocketpp::connection_hdl hdl, Millis delay, const std::string& reason);
  bool OnValidate(websocketpp::connection_hdl hdl);
  void OnOpen(websocketpp::connection_hdl hdl);
  void OnClose(websocketpp::connection_hdl hdl);
  void OnMessage(websocketpp::connection_hdl hdl, Server::message_ptr message);
  bool OnPing(websocketpp::connection_hdl hdl);

  // --- Files (fake_slack_files.cpp) -----------------------------------------
  // The answer to /files-pri/… and to the sign-in page it redirects to;
  // nullopt for other paths.
  std::optional<HttpResponse> ServeFile(const HttpRequest& request);
  // files.info {file}: the file object (as AddFile returned it), or
  // file_not_found, or access_denied for a file SetFileAccess denied.
  Reply FilesInfo(const rapidjson::Value& args);

  // --- Uploads (fake_slack_uploads.cpp) -------------------------------------
  // POST /upload/v1/<id>; nullopt for other paths.
  std::optional<HttpResponse> ServeUpload(const HttpRequest& request);
  Reply GetUploadUrl(const rapidjson::Value& args);
  Reply CompleteUpload(const rapidjson::Value& args);
  // files.info of an uploaded file; nullopt when `id` is not one.
  std::optional<Reply> UploadInfo(const std::string& id) const;

  // --- Web API (fake_slack.cpp) -------------------------------------------
  HttpResponse Handle(const HttpRequest& request);
  // Records the call and takes the next raw answer queued for it, if any.
  std::optional<RawAnswer> TakeRawAnswer(const ApiCall& call);
  // `scopes` gets the x-oauth-scopes header when the bot token authenticated the call.
  Reply Dispatch(const ApiCall& call, const std::string& resource, std::optional<std::string>* scopes);
  bool ParseArgs(const ApiCall& call, const std::string& resource, rapidjson::Document* args);
  Reply AppsConnectionsOpen(const std::string& token);
};

}  // namespace fake
