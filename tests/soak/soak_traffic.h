// The soak's customers and agents: live traffic against the fake Slack and
// the fake Jira while the daemon is killed and restarted under it.
// Customers mention the bot, click the button, submit the form (retrying a
// click whose form never opened, as a person would) and reply in their
// threads, some while the ticket is still being raised; agents comment on
// the tickets. Envelopes are delivered as Slack delivers them: resent (same
// envelope id, retry_attempt + 1) until acked. Everything sent carries a
// unique token, so Tally can count what came of it on the other side.
// One thread drives it (Step); the fakes are thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "fake_jira.h"
#include "fake_slack.h"

namespace soak {

struct TrafficOptions {
  // Slack paces posts to about one a second per channel (and the daemon
  // with it): the traffic is spread so that no channel's backlog grows.
  int channels = 8;
  int max_open_threads = 10;          // threads between mention and ticket
  double mention_chance = 0.03;       // per step
  double reply_chance = 0.04;         // per step, in a linked thread
  double queued_reply_chance = 0.02;  // per step, in a thread whose ticket is being raised
  double agent_chance = 0.03;         // per step, on a linked ticket
};

// What the traffic expects, and what it found on the other side.
struct Tally {
  int threads = 0;
  int tickets = 0;            // distinct tickets raised by the soak
  int agent_comments = 0;     // written by agents
  int replies = 0;            // written by customers (queued ones included)
  int queued_replies = 0;     // of which written before the ticket existed
  int envelopes = 0;
  int redeliveries = 0;       // envelopes resent because no ack came
  int clicks_repeated = 0;    // a form that never opened, clicked again
  std::vector<std::string> duplicates;  // one line per thing that happened more than once
  std::vector<std::string> losses;      // one line per thing that did not happen
  std::vector<std::string> disorders;   // replies that reached a ticket out of order
};

class Traffic {
 public:
  // Both fakes must outlive this object.
  Traffic(fake::FakeSlack& slack, fake::FakeJira& jira, TrafficOptions options, unsigned seed);

  // One step: delivers unacked envelopes, moves each thread's conversation
  // on, and (unless `quiet`) starts new traffic at random.
  void Step(bool quiet);
  // Every thread linked, every envelope acked.
  bool Settled() const;
  // Whether everything expected has arrived (used to end the drain early).
  bool AllArrived() const;
  // Where the conversations are: "mentioned 1, clicked 0, submitted 2, linked 40, unacked 0".
  std::string Progress() const;
  // Counts what came of the traffic on both sides.
  Tally Count() const;

 private:
  enum class Stage { kMentioned, kClicked, kSubmitted, kLinked };
  struct Conversation {
    int n = 0;
    std::string channel;
    std::string ts;
    Stage stage = Stage::kMentioned;
    std::chrono::steady_clock::time_point since;
    std::string view_id;
    std::string submission;  // its envelope id: replies "while queued" come once it is acked
    std::string ticket_key;
    std::vector<std::string> replies;  // tokens, in the order written
    int queued = 0;                    // replies written before the ticket existed
    std::vector<std::string> agent_comments;
  };
  struct Envelope {
    std::string id;
    std::string type;
    std::string payload;
    int attempts = 0;  // sends so far
    std::chrono::steady_clock::time_point sent;
  };

  void Deliver();
  // Returns the envelope id.
  std::string Send(const std::string& type, const std::string& payload);
  bool Unacked(const std::string& envelope_id) const;
  void Advance(Conversation& c);
  void StartThread();
  void Reply(Conversation& c);
  void AgentComment(Conversation& c);
  std::string NextTs();
  bool Chance(double p);

  fake::FakeSlack& slack_;
  fake::FakeJira& jira_;
  TrafficOptions options_;
  std::mt19937 random_;
  std::vector<Conversation> conversations_;
  std::vector<Envelope> unacked_;
  int next_envelope_ = 0;
  long long next_ts_ = 0;
  int envelopes_ = 0;
  int redeliveries_ = 0;
  int clicks_repeated_ = 0;
};

}  // namespace soak
