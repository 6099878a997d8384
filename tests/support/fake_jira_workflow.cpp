// The fake Jira's workflow: GET and POST /rest/api/2/issue/{key}/transitions
// (the same on Cloud and Data Center), in Jira's shapes: each step with
// where it leads (`to`, its statusCategory), 204 for a step taken, 400 with
// an ErrorCollection for one not offered from the issue's status.
#include <algorithm>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "fake_jira_impl.h"
#include "util/json_util.h"

namespace fake {

using jira::JsonReply;
using jira::KBool;
using jira::KInt;
using jira::KStr;
using jira::PlatformError;
using jira::Reply;

namespace {

// Jira's status category ids and colours, as /rest/api/2/statuscategory lists them.
void WriteCategory(jira::Writer& w, const std::string& base, const std::string& key) {
  int id = key == "new" ? 2 : key == "indeterminate" ? 4 : 3;
  w.Key("statusCategory");
  w.StartObject();
  KStr(w, "self", fmt::format("{}/rest/api/2/statuscategory/{}", base, id));
  KInt(w, "id", id);
  KStr(w, "key", key);
  KStr(w, "colorName", key == "new" ? "blue-gray" : key == "indeterminate" ? "yellow" : "green");
  KStr(w, "name", key == "new" ? "To Do" : key == "indeterminate" ? "In Progress" : "Done");
  w.EndObject();
}

}  // namespace

std::vector<JiraTransition> FakeJira::Impl::DefaultTransitions() {
  return {{"21", "Resolve this issue", "open", "Resolved", "done"},
          {"41", "Close", "done", "Closed", "done"},
          {"31", "Reopen", "done", "Waiting for support", "indeterminate"}};
}

void FakeJira::SetTransitions(std::vector<JiraTransition> transitions) {
  impl_->signal.Write(impl_->transitions, std::move(transitions));
}

std::vector<const JiraTransition*> FakeJira::Impl::TransitionsFrom(const Issue& issue) const {
  std::string from = issue.category == "done" ? "done" : "open";
  std::vector<const JiraTransition*> offered;
  for (const JiraTransition& transition : transitions) {
    if (transition.from == from) offered.push_back(&transition);
  }
  return offered;
}

Reply FakeJira::Impl::GetTransitions(const std::string& key) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return IssueNotFound();
  std::vector<const JiraTransition*> offered = TransitionsFrom(*issue);
  return JsonReply(200, [&](jira::Writer& w) {
    w.StartObject();
    KStr(w, "expand", "transitions");
    w.Key("transitions");
    w.StartArray();
    for (const JiraTransition* transition : offered) {
      // Status ids: a stable number per name, as a workflow's statuses have.
      std::string status_id = std::to_string(10000 + std::hash<std::string>()(transition->to_status) % 1000);
      w.StartObject();
      KStr(w, "id", transition->id);
      KStr(w, "name", transition->name);
      w.Key("to");
      w.StartObject();
      KStr(w, "self", fmt::format("{}/rest/api/2/status/{}", base(), status_id));
      KStr(w, "description", "");
      KStr(w, "iconUrl", base() + "/images/icons/statuses/generic.png");
      KStr(w, "name", transition->to_status);
      KStr(w, "id", status_id);
      WriteCategory(w, base(), transition->to_category);
      w.EndObject();
      KBool(w, "hasScreen", false);
      KBool(w, "isGlobal", false);
      KBool(w, "isInitial", false);
      if (!dc) KBool(w, "isAvailable", true);
      KBool(w, "isConditional", false);
      KBool(w, "isLooped", false);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

Reply FakeJira::Impl::DoTransition(const Call& call, const std::string& key) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return IssueNotFound();
  rapidjson::Document doc;
  if (!json::Parse(call.body, doc).empty() || !doc.IsObject()) {
    return PlatformError(400, {"Unexpected character in the request body."});
  }
  const rapidjson::Value* transition = json::GetObject(doc, "transition");
  std::string id = transition != nullptr ? jira::IdValue(*transition, "id") : "";
  if (id.empty()) return PlatformError(400, {"Missing 'transition' identifier"});
  std::vector<const JiraTransition*> offered = TransitionsFrom(*issue);
  auto step = std::find_if(offered.begin(), offered.end(), [&](const JiraTransition* t) { return t->id == id; });
  if (step == offered.end())
    return PlatformError(400, {fmt::format("Transition id '{}' is not valid for this issue.", id)});
  issue->status = (*step)->to_status;
  issue->category = (*step)->to_category;
  issue->status_ms = NowMsLocked();
  issue->updated_ms = std::max(issue->updated_ms, issue->status_ms);
  IndexLocked(*issue);
  Reply reply;
  reply.status = 204;
  reply.content_type.clear();
  return reply;
}

}  // namespace fake
