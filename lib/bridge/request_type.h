// A helpdesk's request type as the form offers it, in neutral terms: its
// fields (built by the backend from what the helpdesk says, rendered as a
// modal at the Slack edge) and the values a customer submitted, checked
// here before anything is raised (contract behaviour 10). Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/equality.h"

namespace bridge {

// What the customer is asked for, whatever the helpdesk calls it.
enum class FieldKind {
  kText,         // one line of text
  kParagraph,    // several lines of text
  kSelect,       // one of `options`
  kMultiSelect,  // any number of `options`
  kWords,        // words typed on one line, separated by spaces (labels with no list of values)
  kDate,         // a calendar day, "YYYY-MM-DD"
  kNumber,       // a decimal number, as typed: "42", "-1.5"
  kUnsupported,  // nothing in a Slack form can ask for it (a user picker, a cascading select…)
};

// The name a kind goes by in a form's element ids and in messages: "text",
// "paragraph", "select", "multi", "words", "date", "number", "unsupported".
std::string_view KindName(FieldKind kind);
// The kind `name` names; nullopt for any other string.
std::optional<FieldKind> KindNamed(std::string_view name);

struct FieldOption {
  std::string value;  // what the helpdesk wants back (an option or priority id)
  std::string label;  // what the customer reads

  auto Fields() const { return std::tie(value, label); }
};

struct FormField {
  std::string id;    // the helpdesk's own: "summary", "priority", "customfield_10010"
  std::string name;  // its label
  FieldKind kind = FieldKind::kText;
  bool required = false;
  size_t max_chars = 0;  // text kinds: the helpdesk's limit (0: none)
  std::vector<FieldOption> options;
  // The helpdesk's own name of the field's type, for `check` and for the
  // message of a form that cannot be offered ("user picker").
  std::string type_name;

  auto Fields() const { return std::tie(id, name, kind, required, max_chars, options, type_name); }
};

// The ids of the two fields every request has; the form puts them first,
// pre-filled from the mention.
inline constexpr const char* kSummaryField = "summary";
inline constexpr const char* kDescriptionField = "description";

// Where a request goes: a service desk (or queue) and one of its request
// types. Empty ids mean the configured defaults.
struct RequestTarget {
  std::string desk_id;
  std::string type_id;

  auto Fields() const { return std::tie(desk_id, type_id); }
};

struct RequestType {
  RequestTarget target;
  std::string name;               // "Get IT help"
  std::vector<FormField> fields;  // in the helpdesk's order

  auto Fields() const { return std::tie(target, name, fields); }
};

// The first required field no form can ask for: such a request type cannot
// be raised from Slack (optional ones are simply left out).
const FormField* FirstUnofferable(const RequestType& type);

// A value submitted for a field other than the summary and description,
// with what the form showed about it (read back from the submitted view,
// so what is checked is what the customer saw).
struct FieldValue {
  std::string field_id;
  FieldKind kind = FieldKind::kText;
  std::vector<std::string> values;  // text (one), date, number as typed, or the chosen option values

  auto Fields() const { return std::tie(field_id, kind, values); }
};

struct SubmittedField {
  FieldValue value;
  std::string name;  // the input's label, for messages
  bool required = false;
  size_t max_chars = 0;  // 0: none

  auto Fields() const { return std::tie(value, name, required, max_chars); }
};

// "" when `field` holds an acceptable value, else what to show under its
// input: a required field left empty (white space is empty), text past
// max_chars, a number or date that is not one, words with no word.
std::string ValidateField(const SubmittedField& field);

// `values` with every entry trimmed and empty ones dropped, as the
// helpdesk is sent them: an optional field left empty is not sent at all.
std::vector<FieldValue> ValuesToSend(const std::vector<SubmittedField>& fields);

}  // namespace bridge
