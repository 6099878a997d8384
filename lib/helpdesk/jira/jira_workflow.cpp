// JiraHelpdesk, the workflow half: reopening a resolved or closed request
// after a customer's reply (files-and-edits.md section 5.3). The platform
// API's transitions (/rest/api/2/issue/{key}/transitions, the same on Cloud
// and Data Center) say where each step leads, which servicedeskapi's
// customer transitions ({id, name} only) do not, so the step back to an
// open status can be chosen without a config key.
#include <fmt/format.h>

#include "helpdesk/jira/jira_helpdesk.h"
#include "helpdesk/jira/jira_json_support.h"
#include "util/log.h"

namespace helpdesk::jira {
namespace {

// One step the workflow offers from the status.
struct Transition {
  std::string id;
  std::string name;
  TicketStatus to;
};

// {"transitions":[{"id":"31","name":"Reopen","to":{"name":"…","statusCategory":{"key":"indeterminate"}}}]}
util::Result<std::vector<Transition>> ParseTransitions(std::string_view body) {
  return json_support::ReadObject(
      body, "a list of transitions", [](const rapidjson::Document& doc) -> util::Result<std::vector<Transition>> {
        const rapidjson::Value* list = json::GetArray(doc, "transitions");
        if (list == nullptr) return json_support::Lacks("no transitions");
        std::vector<Transition> transitions;
        for (const auto& value : list->GetArray()) {
          Transition transition;
          transition.id = json_support::GetId(value, "id");
          transition.name = json::GetString(value, "name");
          if (const auto* to = json::GetObject(value, "to")) {
            const auto* category = json::GetObject(*to, "statusCategory");
            transition.to =
                StatusFromJira(json::GetString(*to, "name"), category ? json::GetString(*category, "key") : "");
          }
          if (!transition.id.empty()) transitions.push_back(std::move(transition));
        }
        return transitions;
      });
}

// The step that reopens: the first, in the workflow's order, that leads to
// a status being worked on ("Waiting for support" is one), else the first
// that leads to a new one. None: the workflow has no way back for us.
std::optional<Transition> StepBack(const std::vector<Transition>& transitions) {
  for (StatusCategory wanted : {StatusCategory::kInProgress, StatusCategory::kNew}) {
    for (const Transition& transition : transitions) {
      if (transition.to.category == wanted) return transition;
    }
  }
  return std::nullopt;
}

}  // namespace

util::Result<Reopening> JiraHelpdesk::ReopenTicket(const std::string& key) {
  auto before = GetTicket(key);
  if (!before) return tl::make_unexpected(before.error());
  // Open already: an agent, or JSM's "comment reopens issue" automation,
  // or an earlier try of this same step.
  if (before->status.category != StatusCategory::kDone)
    return Reopening{bridge::ReopenResult::kAlreadyOpen, before->status};
  const std::string path = "/rest/api/2/issue/" + UrlEncode(key) + "/transitions";
  JiraCall list;
  list.operation = fmt::format("jira transitions of {}", key);
  list.path = path;
  auto listed = transport_.Send(list);
  if (!listed) return tl::make_unexpected(listed.error());
  auto transitions = ParseTransitions(listed->body);
  if (!transitions) return tl::make_unexpected(BadBody(list.operation, listed->status, transitions.error()));
  std::optional<Transition> step = StepBack(*transitions);
  if (!step) {
    util::log::Info("jira {} is '{}': none of its {} workflow step(s) leads to an open status", key,
                    before->status.label, transitions->size());
    return Reopening{bridge::ReopenResult::kNotAllowed, before->status};
  }
  JiraCall take;
  take.operation = fmt::format("jira transition '{}' of {}", step->name, key);
  take.method = "POST";
  take.path = path;
  take.body = json_support::WriteJson([&](json_support::Writer& w) {
    w.StartObject();
    w.Key("transition");
    w.StartObject();
    w.Key("id");
    json_support::WriteString(w, step->id);
    w.EndObject();
    w.EndObject();
  });
  // Not repeated by the transport: after a lost answer Jira would refuse
  // the step from the new status (400), read here as "not allowed". The
  // runner tries the whole ReopenTicket again, which finds it open.
  take.retry = Retry::kUnsafe;
  util::http::HttpResponse refused;
  auto taken = transport_.Send(take, &refused);
  if (!taken) {
    // 400: the workflow refused the step after all (a validator, a field
    // its screen requires): the customer is told, not left waiting.
    if (refused.status != 400) return tl::make_unexpected(taken.error());
    util::log::Warn("{}", taken.error().message);
    return Reopening{bridge::ReopenResult::kNotAllowed, before->status};
  }
  auto after = GetTicket(key);
  if (!after) return tl::make_unexpected(after.error());
  if (after->status.category == StatusCategory::kDone)
    return Reopening{bridge::ReopenResult::kNotAllowed, after->status};
  return Reopening{bridge::ReopenResult::kReopened, after->status};
}

}  // namespace helpdesk::jira
