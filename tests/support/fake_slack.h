// A fake Slack for tests, the simulator and benchmarks: the Socket Mode
// WebSocket and the Web API over HTTP on 127.0.0.1 with an ephemeral port,
// with Slack's payload shapes, error replies (ok:false, 429 + Retry-After)
// and Block Kit limits (slack-facts.md). Faults are injected on demand.
//
// The server runs on its own thread. Every public method is thread-safe and
// may be called from the test thread; Wait* methods block until the event
// happened or the timeout passed (they return false then), so tests
// synchronise on events, never on sleeps.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "raw_answer.h"

namespace fake {

using Millis = std::chrono::milliseconds;

struct ApiCall {
  std::string method;        // "chat.postMessage"
  std::string authorization; // the Authorization header as sent
  std::string content_type;
  std::string body;          // as sent
  std::chrono::steady_clock::time_point at;
};

// A file the bot uploaded (files.getUploadURLExternal and on).
struct SlackUpload {
  std::string file_id;
  std::string filename;
  long long length = 0;        // as files.getUploadURLExternal was told
  long long received = -1;     // bytes POSTed to the upload_url (-1: none yet)
  unsigned long long checksum = 0;  // FNV-1a 64 of the bytes received
  bool completed = false;
  std::string channel;
  std::string thread_ts;
  std::string title;
  std::string initial_comment;
  std::string share_ts;  // the file_share message's ts once completed
};

struct Ack {
  std::string envelope_id;
  std::string payload_json;  // "" when the ack had no payload
  int connection = 0;        // which connection carried it
  std::chrono::steady_clock::time_point at;  // when it arrived
};

// One version of a message that chat.update replaced.
struct MessageVersion {
  std::string text;
  std::string blocks_json;    // "" when none
  std::string metadata_json;  // "" when none
};

struct PostedMessage {
  std::string method;  // chat.postMessage, chat.postEphemeral (kept after chat.update)
  std::string channel;
  std::string ts;
  std::string thread_ts;
  std::string text;
  std::string blocks_json;    // "" when none
  std::string metadata_json;  // "" when none
  std::string user;           // chat.postEphemeral only
  // chat.update edits this message in place: the versions it replaced,
  // oldest first (edit_count == history.size()).
  int edit_count = 0;
  std::vector<MessageVersion> history;
};

// A modal opened with views.open, as it is now: views.update replaces its
// content and hash in place (the id stays).
struct OpenedView {
  std::string id;          // "V…"
  std::string user;        // who owned the trigger_id
  std::string trigger_id;
  std::string hash;  // the current one: views.update must send it
  std::string callback_id;
  std::string private_metadata;
  std::string external_id;                   // "" when none
  std::string view_json;                     // the view object as views.open/views.update last returned it
  int update_count = 0;                      // accepted views.update calls
  std::chrono::steady_clock::time_point at;  // when it was opened
};

// One views.update Slack accepted.
struct ViewUpdate {
  std::string view_id;
  std::string previous_hash;  // the view's hash before
  std::string hash;           // its new hash
  std::string view_json;      // the view object as views.update returned it
  std::chrono::steady_clock::time_point at;
};

// A channel as conversations.info describes it (see FakeSlack::SetChannel).
struct ChannelSpec {
  std::string name;         // without '#'; "" → the id in lower case
  bool is_private = false;  // needs groups:read to read (channels:read otherwise)
  bool is_member = true;    // the bot is in it
  bool is_archived = false;
  bool exists = true;       // false: channel_not_found
};

// A scripted failure for the next call(s) of one Web API method.
struct Failure {
  int http_status = 200;       // 429, 500, 503, or 200 with ok:false
  std::string error;           // Slack error code for ok:false bodies
  int retry_after_s = -1;      // Retry-After header when >= 0
  bool html_body = false;      // a gateway-style non-JSON body
};

class FakeSlack {
 public:
  static constexpr const char* kAppToken = "xapp-1-A0001-fake-app-token";
  static constexpr const char* kBotToken = "xoxb-0001-fake-bot-token";
  static constexpr const char* kBotUserId = "UBOT0001";
  static constexpr const char* kBotId = "BBOT0001";

  FakeSlack();
  ~FakeSlack();
  FakeSlack(const FakeSlack&) = delete;
  FakeSlack& operator=(const FakeSlack&) = delete;

  int port() const;
  // Base of the Web API: "http://127.0.0.1:<port>/api".
  std::string api_url() const;
  // The scheme, host and port of the Socket Mode URLs apps.connections.open
  // hands out (default "ws://127.0.0.1:<port>"): a test that puts the fake
  // behind a TLS front or a proxy-only name sets "wss://slack.test:<port>".
  void SetSocketUrlBase(std::string base);

  // --- Socket Mode -------------------------------------------------------
  // Sends an envelope to the newest connection that has had its hello and
  // is not being retired; returns its envelope_id (generated when empty),
  // or "" when no connection could take it.
  std::string SendEnvelope(const std::string& type, const std::string& payload_json,
                           int retry_attempt = 0, std::string envelope_id = {});
  // Sends raw text on the newest connection (malformed-input tests).
  bool SendRaw(const std::string& text);
  // Sends {"type":"disconnect","reason":…} on the newest connection and
  // retires it: later envelopes go to a newer connection, and the retired
  // one is closed by the server after `retire_close` (Slack's behaviour).
  bool SendDisconnect(const std::string& reason, Millis retire_close = Millis(3000));
  // Closes the newest connection's TCP socket without a close frame.
  bool DropConnection();
  // Stops answering pings and sending anything on the newest connection.
  bool SilenceNewest();
  // New connections get no hello (the "never ready" server).
  void SetSendHello(bool send);
  // Simulates Socket Mode turned off in the app settings: every new
  // connection receives disconnect/link_disabled and is closed.
  void SetLinkDisabled(bool disabled);
  // Slack allows 10 connections per app; beyond `limit`, a new connection
  // receives disconnect/too_many_websockets and is closed.
  void SetMaxConnections(int limit);

  int OpenConnections() const;      // open right now
  int ConnectionsAccepted() const;  // WebSocket handshakes ever accepted
  int HellosSent() const;
  int MaxSimultaneousOpen() const;
  int PingsReceived() const;        // WebSocket pings from the client
  std::vector<Ack> Acks() const;
  int AckCount(const std::string& envelope_id) const;
  size_t AckTotal() const;  // all acks so far (cheap; for load generators)

  // --- Web API -----------------------------------------------------------
  // The next `times` calls of `method` fail as described.
  void FailNext(const std::string& method, const Failure& failure, int times = 1);
  // The next `times` calls of `method` get `answer` verbatim.
  void AnswerNext(const std::string& method, const RawAnswer& answer, int times = 1);
  std::vector<ApiCall> Calls(const std::string& method = {}) const;
  // Bot messages (chat.postMessage, chat.postEphemeral) as they are now.
  std::vector<PostedMessage> Messages() const;
  size_t MessageTotal() const;  // how many so far (cheap; for load generators)
  // Modals opened with views.open, in order, as they are now.
  std::vector<OpenedView> Views() const;
  // Accepted views.update calls, in order.
  std::vector<ViewUpdate> ViewUpdates() const;

  // Registers a workspace member for users.info. An empty `email` leaves
  // profile.email out, as Slack does without users:read.email. The bot user
  // (kBotUserId) is registered from the start.
  void AddUser(const std::string& id, const std::string& real_name, const std::string& display_name,
               const std::string& email);
  // Registers a Slack Connect user: a member of another organisation's
  // workspace `team_id`, answered by users.info with that team_id and
  // is_stranger, and by team.info with `team_name`.
  void AddExternalUser(const std::string& id, const std::string& real_name, const std::string& email,
                       const std::string& team_id, const std::string& team_name);
  // Records a top-level human message so conversations.replies on
  // (channel, ts) finds the thread (no event is sent).
  void AddThreadParent(const std::string& channel, const std::string& ts, const std::string& user,
                       const std::string& text);
  // Slack limits posting to about one message per second per channel with
  // short bursts: when on, a chat.postMessage that would be the 4th accepted
  // post to one channel within 1 s gets HTTP 429, Retry-After: 1,
  // {"ok":false,"error":"ratelimited"}. Off by default.
  void SetPostRateLimit(bool on);
  // What conversations.info says about `id`. A channel never set is a
  // public one the bot is a member of, named its id in lower case (the fake
  // takes posts in any channel). As Slack does, a private channel the bot
  // is not in is channel_not_found, and reading a public channel needs
  // channels:read, a private one groups:read (missing_scope with needed and
  // provided otherwise).
  void SetChannel(const std::string& id, const ChannelSpec& spec);
  // The scopes the bot token was granted, sent as Slack sends them: the
  // x-oauth-scopes header ("a,b,c") of every answer to a bot-token call.
  // Default: the bot scopes of docs/slack-app-manifest.yaml. nullopt: no
  // header at all (what a proxy that drops it would pass on).
  void SetGrantedScopes(const std::optional<std::vector<std::string>>& scopes);
  // A fresh trigger_id for `user`, as an interaction would deliver it:
  // views.open accepts it once, within 3 s.
  std::string IssueTriggerId(const std::string& user);

  // --- Users acting (Socket Mode + Web API state) ---------------------------
  // A human message: stored for conversations.replies (a reply when
  // `thread_ts` is set) and delivered as an events_api `message` envelope.
  // Returns the envelope id ("" when no connection could take it); the
  // message ts is generated like chat.postMessage's (see UserMessages).
  std::string PostAsUser(const std::string& channel, const std::string& user, const std::string& text,
                         const std::string& thread_ts = {});
  // Human messages from PostAsUser and AddThreadParent, in order (`user` is
  // the author, `method` is "message").
  std::vector<PostedMessage> UserMessages() const;
  // A click on a button of a message: an `interactive` envelope carrying a
  // block_actions payload (slack-facts.md §2.3) with a freshly issued
  // trigger_id. With an empty `message_ts_or_empty` the newest bot message
  // in `channel` (in the thread `thread_ts` when set) that has a button
  // with `action_id` is clicked. The block_id, button text and message come
  // from the stored message when it is known. Returns the envelope id.
  std::string ClickButton(const std::string& message_ts_or_empty, const std::string& channel,
                          const std::string& thread_ts, const std::string& user, const std::string& action_id,
                          const std::string& value);
  // A modal submitted: an `interactive` envelope carrying a view_submission
  // payload (§2.4) built from the view views.open stored under `view_id`
  // with `state_values_json` (an object: block_id → action_id → value) as
  // its state.values. Returns the envelope id, or "" for an unknown view,
  // JSON that is not an object, or no connection.
  std::string SubmitView(const std::string& view_id, const std::string& user, const std::string& state_values_json);
  // An option chosen in a select of an open modal (e.g. "choose a request
  // type"): an `interactive` envelope carrying a block_actions payload with
  // container.type "view", the stored view with `state_values_json` as its
  // state (the chosen option set in it under block_id/action_id),
  // and actions[0] of the element's type (static_select, external_select…)
  // with selected_option {text, value}. The option's text comes from the
  // view's options when `label` is empty. Returns the envelope id, or ""
  // for an unknown view or block/action, an input block without
  // dispatch_action true (Slack sends nothing then), a value that is not
  // one of a static select's options, or no connection.
  std::string SelectInView(const std::string& view_id, const std::string& user, const std::string& block_id,
                           const std::string& action_id, const std::string& value, const std::string& label = {},
                           const std::string& state_values_json = "{}");
  // Text typed into an external_select or multi_external_select of an open
  // modal: an `interactive` envelope carrying a block_suggestion payload.
  // Slack sends one only once `query` has the element's min_query_length
  // characters (default 3, block-elements.d.ts ExternalSelect). Returns the
  // envelope id, or "" for an unknown view or element, another element
  // type, a query too short, or no connection. The app's options come back
  // in the ack (Acks()); ValidateSuggestionOptions (block_kit.h) checks them.
  std::string SuggestInView(const std::string& view_id, const std::string& user, const std::string& block_id,
                            const std::string& action_id, const std::string& query);

  // --- Files (files-and-edits.md §1.1, §2) -----------------------------------
  // A file uploaded to the workspace by `user`: its contents are served at
  // its url_private_download (.../files-pri/T0001-F…/download/<name>) to the
  // bot token; without it Slack answers a 302 to its sign-in page (200,
  // text/html). Returns the file object as events carry it in `files`.
  std::string AddFile(const std::string& user, const std::string& name, const std::string& mimetype,
                      std::string content);
  // The file's URL answers the sign-in page even to the bot token: for the
  // next `times` requests (Slack's answer too soon after a share), or
  // always with -1 (a token without files:read); 0 serves the file again.
  void ServeSignInPage(const std::string& file_id, int times = -1);
  // The stub a Slack Connect channel's events carry instead of the file
  // object: its id, mode file_access, file_access check_file_info, no URL.
  static std::string FileStub(const std::string& file_id);
  // files.info answers `error` for the file ("access_denied": a Slack
  // Connect file the bot may not read; "" answers again).
  void SetFileInfoError(const std::string& file_id, const std::string& error);
  // Requests for the file's contents so far (any answer).
  int FileDownloads(const std::string& file_id) const;
  // Requests for file contents that carried no bot token, or another.
  int FileDownloadsWithoutToken() const;
  // A human message that shares `files_json` (a JSON array of AddFile's
  // objects): subtype file_share, as message.channels delivers it
  // (a reply when `thread_ts` is set). Returns the envelope id.
  std::string ShareFilesAsUser(const std::string& channel, const std::string& user, const std::string& text,
                               const std::string& files_json, const std::string& thread_ts = {});

  // --- Uploads by the bot (files-and-edits.md §3) ----------------------------
  // files.getUploadURLExternal gives an upload_url on this server
  // (/upload/v1/<file id>), which takes the raw bytes (or multipart) and
  // answers 200 "OK - <length>"; files.completeUploadExternal shares it
  // into channel_id's thread_ts once, answering full file objects without
  // a message ts; files.info then names the share under shares.public.
  // An upload never completed answers file_not_found (Slack discards it).
  // Larger than this (default 1 GiB): file_upload_size_restricted.
  void SetUploadLimit(long long bytes);
  std::vector<SlackUpload> Uploads() const;
  // Delivers the file_share message event Slack sends for a completed
  // upload of the bot's (user kBotUserId, bot_id kBotId, upload:true, the
  // initial_comment as its text) [UNCONFIRMED shape, files-and-edits.md §3].
  void EchoUpload(const SlackUpload& upload);

  // --- Waiting -------------------------------------------------------------
  // Returns when `predicate` holds (it is re-evaluated after every change of
  // the fake's state) or false after `timeout`. `predicate` may call any
  // getter above.
  bool WaitFor(const std::function<bool()>& predicate, Millis timeout = Millis(10000)) const;
  bool WaitForOpenConnections(int count, Millis timeout = Millis(10000)) const;
  bool WaitForHellos(int count, Millis timeout = Millis(10000)) const;
  bool WaitForAck(const std::string& envelope_id, Millis timeout = Millis(10000)) const;
  bool WaitForCalls(const std::string& method, int count, Millis timeout = Millis(10000)) const;
  bool WaitForViews(int count, Millis timeout = Millis(10000)) const;
  bool WaitForViewUpdates(int count, Millis timeout = Millis(10000)) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fake
