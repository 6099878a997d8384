// A JSM request type's fields, pure: what GET
// /rest/servicedeskapi/servicedesk/{desk}/requesttype/{type}/field says
// (the same path and shape on Cloud and Data Center, behind-the-firewall.md
// section 3), read as neutral form fields, and the values a customer
// entered written back in the shape Jira takes for each field in a create's
// requestFieldValues (helpdesk-facts.md A1).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridge/request_type.h"
#include "util/error.h"

namespace helpdesk::jira {

// How Jira takes a field's value.
enum class ValueShape {
  kString,   // "text": summary, a single-line text field (plain)
  kWiki,     // "text" read as wiki markup: description, multi-line text fields (escaped)
  kOption,   // {"id": "10001"}: a select, radio buttons, the priority
  kOptions,  // [{"id": "10001"}, …]: multi-selects, checkboxes, components, versions
  kStrings,  // ["a", "b"]: labels
  kDate,     // "2026-12-01"
  kNumber,   // 42.5 (a JSON number)
};

struct JiraField {
  bridge::FormField form;  // what the customer is asked
  ValueShape shape = ValueShape::kString;
};

// The fields of a request type, in Jira's order. Hidden fields (Cloud's
// "visible": false) are left out: the portal does not ask for them either.
// Every other field is kept, those no form can ask for as kUnsupported
// (with the type Jira gives them), so a required one can be named. A body
// of the wrong shape is a kServerError.
util::Result<std::vector<JiraField>> ParseRequestTypeFields(std::string_view body);
// The same answer's canRaiseOnBehalfOf: whether the caller may raise this
// type on behalf of a customer (raiseOnBehalfOf). nullopt when absent.
std::optional<bool> CanRaiseOnBehalfOf(std::string_view body);

// Adds `values` to the open requestFieldValues object in `w`, each in its
// field's shape (`shapes`, by field id). A value of a field `shapes` does
// not know (the request type changed since the form was opened) is written
// as its kind suggests; Jira decides. Text is cleaned; wiki text escaped.
void WriteFieldValues(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<bridge::FieldValue>& values,
                      const std::map<std::string, ValueShape>& shapes);

}  // namespace helpdesk::jira
