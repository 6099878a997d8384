// Request type fields of the fake Jira: their RequestTypeFieldDTO JSON and
// the shape checks JSM applies to a create request's requestFieldValues.
// Private to fake_jira*.cpp. Pure, any thread.
#pragma once

#include <string>

#include <rapidjson/document.h>

#include "fake_jira.h"
#include "fake_jira_json.h"

namespace fake::jira {

// A plain string field (jiraSchema {"type":"string"}), system when `system`
// is given ("summary", "description"), else a custom textfield whose
// customId is read from "customfield_<n>".
JiraRequestField StringField(const std::string& field_id, const std::string& name, bool required,
                             const std::string& system);

// One requestTypeFields[] entry as JSM Cloud serves it.
void WriteRequestTypeField(Writer& w, const JiraRequestField& field);

// True for what JSM takes as "no value": null, a blank string, [] or {}.
bool IsBlank(const rapidjson::Value& value);

// "" when `value` has the shape `field` takes (and names valid options);
// otherwise why not, as JSM words it, without the "<label>: " prefix.
std::string CheckFieldValue(const JiraRequestField& field, const rapidjson::Value& value);

}  // namespace fake::jira
