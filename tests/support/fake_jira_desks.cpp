// Service desks and request types of the fake Jira: the model, their
// servicedeskapi resources, and the check of a create request's
// requestFieldValues against the request type's fields.
#include <algorithm>

#include <fmt/format.h>

#include "fake_jira_fields.h"
#include "fake_jira_impl.h"
#include "util/json_util.h"

namespace fake {

using jira::JsonReply;
using jira::KBool;
using jira::KStr;
using jira::Reply;
using jira::ServiceDeskError;

FakeJira::Impl::Desk* FakeJira::Impl::FindDesk(const std::string& id_or_key) {
  for (Desk& desk : desks) {
    if (desk.id == id_or_key || desk.project_key == id_or_key) return &desk;
  }
  return nullptr;
}

const FakeJira::Impl::Desk* FakeJira::Impl::FindDesk(const std::string& id_or_key) const {
  return const_cast<Impl*>(this)->FindDesk(id_or_key);
}

FakeJira::Impl::Desk& FakeJira::Impl::AddDeskLocked(const std::string& id, const std::string& project_key,
                                                    const std::string& portal_id) {
  Desk desk;
  desk.id = id;
  desk.project_id = std::to_string(10000 + desks.size());
  desk.project_key = project_key;
  desk.project_name = desks.empty() ? "Support" : "Project " + project_key;
  desk.portal_id = portal_id;
  desks.push_back(desk);
  return desks.back();
}

const FakeJira::Impl::RequestType* FakeJira::Impl::FindRequestType(const std::string& desk_id,
                                                                   const std::string& id) const {
  for (const RequestType& type : request_types) {
    if (type.desk_id == desk_id && type.id == id) return &type;
  }
  return nullptr;
}

FakeJira::Impl::RequestType& FakeJira::Impl::DefineRequestTypeLocked(const std::string& desk_id, const std::string& id,
                                                                     const std::string& name) {
  for (RequestType& type : request_types) {
    if (type.desk_id == desk_id && type.id == id) {
      type.name = name;
      return type;
    }
  }
  request_types.push_back(RequestType{desk_id, id, name, {}});
  return request_types.back();
}

Reply FakeJira::Impl::DeskNotFound(const std::string& id) {
  return ServiceDeskError(404,
                          fmt::format("The service desk with ID '{}' does not exist or you do not have "
                                      "permission to access it.",
                                      id),
                          "sd.service.desk.not.found");
}

Reply FakeJira::Impl::RequestTypeNotFound(int status, const std::string& id) {
  return ServiceDeskError(status, fmt::format("The request type with ID '{}' does not exist in this service desk.", id),
                          "sd.request.type.not.found");
}

Reply FakeJira::Impl::GetServiceDesk(const std::string& id) {
  const Desk* desk = FindDesk(id);
  if (desk == nullptr) return DeskNotFound(id);
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    KStr(w, "id", desk->id);
    KStr(w, "projectId", desk->project_id);
    KStr(w, "projectName", desk->project_name);
    KStr(w, "projectKey", desk->project_key);
    w.Key("_links");
    w.StartObject();
    KStr(w, "self", fmt::format("{}/rest/servicedeskapi/servicedesk/{}", base(), desk->id));
    w.EndObject();
    w.EndObject();
  });
}

Reply FakeJira::Impl::WithRequestType(const std::string& desk_id, const std::string& id,
                                      const std::function<Reply(const Desk&, const RequestType&)>& answer) {
  const Desk* desk = FindDesk(desk_id);
  if (desk == nullptr) return DeskNotFound(desk_id);
  const RequestType* type = FindRequestType(desk->id, id);
  if (type == nullptr) return RequestTypeNotFound(404, id);
  return answer(*desk, *type);
}

Reply FakeJira::Impl::GetRequestType(const std::string& desk_id, const std::string& id) {
  return WithRequestType(desk_id, id, [&](const Desk& desk, const RequestType& type) {
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      KStr(w, "_expands", "field");
      KStr(w, "id", type.id);
      w.Key("_links");
      w.StartObject();
      KStr(w, "self", fmt::format("{}/rest/servicedeskapi/servicedesk/{}/requesttype/{}", base(), desk.id, type.id));
      w.EndObject();
      KStr(w, "name", type.name);
      KStr(w, "description", "Get assistance for general IT problems and questions.");
      KStr(w, "helpText", "");
      KStr(w, "issueTypeId", "10002");
      KStr(w, "serviceDeskId", desk.id);
      KStr(w, "portalId", desk.portal_id);
      w.Key("groupIds");
      w.StartArray();
      w.String("1");
      w.EndArray();
      w.EndObject();
    });
  });
}

// CustomerRequestCreateMetaDTO (jira.js src/serviceDesk/models/
// customerRequestCreateMeta.ts; helpdesk-facts.md A1).
Reply FakeJira::Impl::GetRequestTypeFields(const std::string& desk_id, const std::string& id) {
  return WithRequestType(desk_id, id, [&](const Desk&, const RequestType& type) {
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      KBool(w, "canRaiseOnBehalfOf", can_raise_on_behalf);
      KBool(w, "canAddRequestParticipants", true);
      w.Key("requestTypeFields");
      w.StartArray();
      for (const JiraRequestField& field : type.fields) jira::WriteRequestTypeField(w, field);
      w.EndArray();
      w.EndObject();
    });
  });
}

// The errors come in the servicedeskapi body as "<label>: <platform
// message>", the form of JSM's "Summary: You must specify a summary of the
// issue." (tests/helpdesk/jira_json_test.cpp); the i18n keys are the fake's
// own ([unverified]: no real JSM key for these was found).
bool FakeJira::Impl::TakeFieldValues(const RequestType& type, const rapidjson::Value* values, Issue* issue,
                                     Reply* error) const {
  auto refuse = [&](const JiraRequestField& field, const std::string& why, const char* key) {
    *error = ServiceDeskError(400, fmt::format("{}: {}", field.name, why), key);
    return false;
  };
  if (values != nullptr) {
    for (const auto& member : values->GetObject()) {
      std::string id = member.name.GetString();
      auto field = std::find_if(type.fields.begin(), type.fields.end(),
                                [&](const JiraRequestField& candidate) { return candidate.field_id == id; });
      if (field == type.fields.end()) {
        *error = ServiceDeskError(400, fmt::format("The field '{}' is not valid for this request type.", id),
                                  "sd.validation.request.field.unknown");
        return false;
      }
      // null clears an optional field and fails a required one (below).
      if (!member.value.IsNull()) {
        std::string why = jira::CheckFieldValue(*field, member.value);
        if (!why.empty()) return refuse(*field, why, "sd.validation.request.field.invalid");
      }
      issue->received[id] = json::Serialize(member.value);
      if (id == "summary" || id == "description") {
        if (member.value.IsString()) (id == "summary" ? issue->summary : issue->description) = member.value.GetString();
      } else {
        issue->fields.emplace_back(id, json::Serialize(member.value));
      }
    }
  }
  for (const JiraRequestField& field : type.fields) {
    if (!field.required) continue;
    const rapidjson::Value* value =
        values != nullptr && values->HasMember(field.field_id.c_str()) ? &(*values)[field.field_id.c_str()] : nullptr;
    if (value != nullptr && !jira::IsBlank(*value)) continue;
    // Jira's own wording: "You must specify a summary of the issue." for the
    // summary, "<name> is required." for others (toabctl/jiracli#41:
    // "Requestor is required.").
    return refuse(field,
                  field.field_id == "summary" ? "You must specify a summary of the issue."
                                              : fmt::format("{} is required.", field.name),
                  "sd.validation.request.field.required");
  }
  return true;
}

}  // namespace fake
