#include "soak_traffic.h"

#include <algorithm>

#include <fmt/format.h>

#include "slack_payloads.h"
#include "util/json_util.h"

namespace soak {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kCustomer = "U0SOAKER";
constexpr const char* kBot = fake::FakeSlack::kBotUserId;
// Slack resends an envelope that was not acked; the daemon acks within
// milliseconds when it is up.
constexpr auto kResendAfter = std::chrono::milliseconds(2000);
// A person clicks again when the form did not open.
constexpr auto kClickAgainAfter = std::chrono::milliseconds(6000);

std::string Summary(int n) { return fmt::format("Soak ticket {}", n); }

std::string StateValues(int n) {
  return fmt::format(
      R"({{"summary":{{"value":{{"type":"plain_text_input","value":{}}}}},"description":{{"value":{{"type":"plain_text_input","value":"Broken again."}}}}}})",
      json::Quote(Summary(n)));
}

bool HasKey(const fake::PostedMessage& post, const std::string& prefix) {
  return post.metadata_json.find("\"" + prefix) != std::string::npos;
}

int CountIn(const std::vector<fake::PostedMessage>& posts, const std::string& thread_ts, const std::string& prefix) {
  return static_cast<int>(std::count_if(posts.begin(), posts.end(), [&](const fake::PostedMessage& post) {
    return post.thread_ts == thread_ts && HasKey(post, prefix);
  }));
}

}  // namespace

Traffic::Traffic(fake::FakeSlack& slack, fake::FakeJira& jira, TrafficOptions options, unsigned seed)
    : slack_(slack), jira_(jira), options_(options), random_(seed) {
  slack_.AddUser(kCustomer, "Ada Soaker", "ada", "ada@example.com");
  jira_.AddCustomer("ada@example.com", "Ada Soaker");
}

bool Traffic::Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(random_) < p; }

std::string Traffic::NextTs() { return fmt::format("1710{:06d}.000100", ++next_ts_); }

std::string Traffic::Send(const std::string& type, const std::string& payload) {
  std::string id = fmt::format("soak-env-{}", ++next_envelope_);
  unacked_.push_back(Envelope{id, type, payload, 0, {}});
  ++envelopes_;
  Deliver();
  return id;
}

bool Traffic::Unacked(const std::string& envelope_id) const {
  return std::any_of(unacked_.begin(), unacked_.end(), [&](const Envelope& e) { return e.id == envelope_id; });
}

void Traffic::Deliver() {
  auto now = Clock::now();
  for (auto it = unacked_.begin(); it != unacked_.end();) {
    if (it->attempts > 0 && slack_.AckCount(it->id) > 0) {
      it = unacked_.erase(it);
      continue;
    }
    if (it->attempts == 0 || now - it->sent >= kResendAfter) {
      // "" when no connection could take it: tried again next step.
      if (!slack_.SendEnvelope(it->type, it->payload, it->attempts, it->id).empty()) {
        if (it->attempts > 0) ++redeliveries_;
        ++it->attempts;
        it->sent = now;
      }
    }
    ++it;
  }
}

void Traffic::StartThread() {
  Conversation c;
  c.n = static_cast<int>(conversations_.size()) + 1;
  c.channel = fmt::format("C0SOAK{}", c.n % options_.channels);
  c.ts = NextTs();
  c.since = Clock::now();
  std::string text = fmt::format("<@{}> soak problem number {}", kBot, c.n);
  slack_.AddThreadParent(c.channel, c.ts, kCustomer, text);
  fake::MessageSpec spec;
  spec.channel = c.channel;
  spec.user = kCustomer;
  spec.text = text;
  spec.ts = c.ts;
  Send("events_api", fake::AppMentionPayload(spec));
  conversations_.push_back(std::move(c));
}

void Traffic::Advance(Conversation& c) {
  auto now = Clock::now();
  switch (c.stage) {
    case Stage::kMentioned:
    case Stage::kClicked: {
      if (c.stage == Stage::kClicked) {
        for (const auto& view : slack_.Views()) {
          // The thread, then the service desk and request type.
          if (view.private_metadata.rfind(c.channel + "|" + c.ts + "|", 0) != 0) continue;
          fake::ViewSubmissionSpec spec;
          spec.user = kCustomer;
          spec.view_json = view.view_json;
          spec.state_values_json = StateValues(c.n);
          c.view_id = view.id;
          c.submission = Send("interactive", fake::ViewSubmissionPayload(spec));
          c.stage = Stage::kSubmitted;
          c.since = now;
          return;
        }
        if (now - c.since < kClickAgainAfter) return;
        ++clicks_repeated_;
      }
      std::string prompt_ts;
      for (const auto& post : slack_.Messages()) {
        if (post.thread_ts == c.ts && HasKey(post, "prompt:")) prompt_ts = post.ts;
      }
      if (prompt_ts.empty()) return;
      fake::BlockActionsSpec click;
      click.user = kCustomer;
      click.channel = c.channel;
      click.message_ts = prompt_ts;
      click.thread_ts = c.ts;
      click.action_id = "slackdesk_open_form";
      click.value = c.channel + "|" + c.ts;
      click.trigger_id = slack_.IssueTriggerId(kCustomer);
      Send("interactive", fake::BlockActionsPayload(click));
      c.stage = Stage::kClicked;
      c.since = now;
      return;
    }
    case Stage::kSubmitted: {
      bool confirmed = false;
      for (const auto& post : slack_.Messages()) confirmed = confirmed || (post.thread_ts == c.ts && HasKey(post, "confirm:"));
      if (!confirmed) return;
      for (const auto& issue : jira_.Issues()) {
        if (issue.summary == Summary(c.n)) c.ticket_key = issue.key;
      }
      c.stage = Stage::kLinked;
      return;
    }
    case Stage::kLinked:
      return;
  }
}

void Traffic::Reply(Conversation& c) {
  std::string token = fmt::format("zsoak-reply-{}-{}z", c.n, c.replies.size() + 1);
  fake::MessageSpec spec;
  spec.channel = c.channel;
  spec.user = kCustomer;
  spec.text = "still happening " + token;
  spec.ts = NextTs();
  spec.thread_ts = c.ts;
  spec.parent_user_id = kCustomer;
  Send("events_api", fake::MessagePayload(spec));
  c.replies.push_back(token);
  if (c.stage != Stage::kLinked) ++c.queued;
}

void Traffic::AgentComment(Conversation& c) {
  std::string token = fmt::format("zsoak-agent-{}-{}z", c.n, c.agent_comments.size() + 1);
  if (!jira_.AddAgentComment(c.ticket_key, "Grace Agent", "looking into it " + token, true).empty()) {
    c.agent_comments.push_back(token);
  }
}

void Traffic::Step(bool quiet) {
  Deliver();
  int open = 0;
  std::vector<Conversation*> linked;
  std::vector<Conversation*> submitted;
  for (Conversation& c : conversations_) {
    Advance(c);
    if (c.stage == Stage::kLinked) linked.push_back(&c);
    if (c.stage != Stage::kLinked) ++open;
    // A customer replies once the form has closed (Slack closes it on the
    // ack): the daemon has recorded the submission before the reply.
    if (c.stage == Stage::kSubmitted && !Unacked(c.submission)) submitted.push_back(&c);
  }
  if (quiet) return;
  if (open < options_.max_open_threads && Chance(options_.mention_chance)) StartThread();
  auto pick = [&](std::vector<Conversation*>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random_)];
  };
  if (!linked.empty() && Chance(options_.reply_chance)) Reply(*pick(linked));
  if (!submitted.empty() && Chance(options_.queued_reply_chance)) Reply(*pick(submitted));
  if (!linked.empty() && Chance(options_.agent_chance)) AgentComment(*pick(linked));
}

bool Traffic::Settled() const {
  return unacked_.empty() && std::all_of(conversations_.begin(), conversations_.end(),
                                         [](const Conversation& c) { return c.stage == Stage::kLinked; });
}

std::string Traffic::Progress() const {
  int stages[4] = {0, 0, 0, 0};
  for (const Conversation& c : conversations_) ++stages[static_cast<int>(c.stage)];
  return fmt::format("mentioned {}, clicked {}, submitted {}, linked {}, unacked envelopes {}", stages[0], stages[1],
                     stages[2], stages[3], unacked_.size());
}

bool Traffic::AllArrived() const {
  if (!Settled()) return false;
  Tally tally = Count();
  return tally.losses.empty();
}

Tally Traffic::Count() const {
  Tally tally;
  tally.envelopes = envelopes_;
  tally.redeliveries = redeliveries_;
  tally.clicks_repeated = clicks_repeated_;
  std::vector<fake::PostedMessage> posts = slack_.Messages();
  std::vector<fake::JiraIssue> issues = jira_.Issues();
  auto report = [](std::vector<std::string>& into, int times, const std::string& what) {
    if (times != 1) into.push_back(fmt::format("{} x{}", what, times));
  };
  for (const Conversation& c : conversations_) {
    ++tally.threads;
    std::string thread = fmt::format("thread {} ({})", c.n, c.ts);
    int prompts = CountIn(posts, c.ts, "prompt:");
    int confirmations = CountIn(posts, c.ts, "confirm:");
    int existing = CountIn(posts, c.ts, "existing:");
    int tickets = static_cast<int>(std::count_if(issues.begin(), issues.end(), [&](const fake::JiraIssue& issue) {
      return issue.summary == Summary(c.n);
    }));
    tally.tickets += std::min(tickets, 1);
    for (auto [times, what] : {std::pair{prompts, "prompt"}, {confirmations, "confirmation"}, {tickets, "ticket"}}) {
      report(times > 1 ? tally.duplicates : tally.losses, times, thread + " " + what);
    }
    if (existing > 0) tally.duplicates.push_back(fmt::format("{} 'already has a ticket' x{}", thread, existing));
    // Replies: each on the ticket once, in the order written.
    std::vector<size_t> positions;
    for (const std::string& token : c.replies) {
      ++tally.replies;
      int times = 0;
      for (const auto& issue : issues) {
        for (size_t i = 0; i < issue.comments.size(); ++i) {
          if (issue.comments[i].body.find(token) == std::string::npos) continue;
          ++times;
          if (issue.key == c.ticket_key) positions.push_back(i);
        }
      }
      report(times > 1 ? tally.duplicates : tally.losses, times, token);
    }
    tally.queued_replies += c.queued;
    if (!std::is_sorted(positions.begin(), positions.end())) tally.disorders.push_back(thread + " replies out of order");
    // Agents' comments: each relayed into the thread once.
    for (const std::string& token : c.agent_comments) {
      ++tally.agent_comments;
      int times = static_cast<int>(std::count_if(posts.begin(), posts.end(), [&](const fake::PostedMessage& post) {
        return post.thread_ts == c.ts && post.text.find(token) != std::string::npos;
      }));
      report(times > 1 ? tally.duplicates : tally.losses, times, token);
    }
  }
  return tally;
}

}  // namespace soak
