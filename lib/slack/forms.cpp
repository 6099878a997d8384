#include "slack/forms.h"

#include <algorithm>

#include "bridge/text.h"
#include "slack/block_writer.h"
#include "slack/mrkdwn.h"

namespace slack {
namespace {

using block_writer::Body;
using block_writer::Context;
using block_writer::Field;
using block_writer::Key;
using block_writer::Section;
using block_writer::Text;
using block_writer::Writer;
using bridge::FieldKind;
using bridge::FormField;

constexpr const char* kTitle = "Support request";

// The options of one form, within kOptionBudgetBytes altogether.
class OptionBudget {
 public:
  // Whether `option` still fits; counts it when it does.
  bool Take(const bridge::FieldOption& option) {
    size_t cost = option.value.size() + std::min(option.label.size(), size_t{4 * 75}) + 64;
    if (cost > left_) return false;
    left_ -= cost;
    return true;
  }

 private:
  size_t left_ = kOptionBudgetBytes;
};

void Option(Writer& w, const bridge::FieldOption& option) {
  w.StartObject();
  Key(w, "text");
  Text(w, "plain_text", option.label.empty() ? option.value : option.label, 75);
  Field(w, "value", option.value);
  w.EndObject();
}

// The options a list can show: a value longer than Slack allows cannot be
// sent back, and the budget bounds the view.
std::vector<bridge::FieldOption> Offerable(const FormField& field, OptionBudget& budget) {
  std::vector<bridge::FieldOption> out;
  for (const bridge::FieldOption& option : field.options) {
    if (out.size() >= kMaxOptionsPerList * kMaxOptionGroups) break;
    if (option.value.empty() || option.value.size() > kMaxOptionValueChars) continue;
    if (!budget.Take(option)) break;
    out.push_back(option);
  }
  return out;
}

// "options" for up to 100, else "option_groups" of 100 each, labelled by
// the first and last option they hold so a long list stays findable.
void Options(Writer& w, const std::vector<bridge::FieldOption>& options) {
  if (options.size() <= kMaxOptionsPerList) {
    Key(w, "options");
    w.StartArray();
    for (const bridge::FieldOption& option : options) Option(w, option);
    w.EndArray();
    return;
  }
  Key(w, "option_groups");
  w.StartArray();
  for (size_t begin = 0; begin < options.size(); begin += kMaxOptionsPerList) {
    size_t end = std::min(options.size(), begin + kMaxOptionsPerList);
    auto label_of = [&](size_t i) {
      const bridge::FieldOption& option = options[i];
      return bridge::TruncateChars(option.label.empty() ? option.value : option.label, 30);
    };
    w.StartObject();
    Key(w, "label");
    Text(w, "plain_text", label_of(begin) + " … " + label_of(end - 1), 75);
    Key(w, "options");
    w.StartArray();
    for (size_t i = begin; i < end; ++i) Option(w, options[i]);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

void Placeholder(Writer& w, const std::string& text) {
  Key(w, "placeholder");
  Text(w, "plain_text", text, 150);
}

// The element that asks for `field`; false when there is nothing to offer
// (a list whose options all fell out).
// The offered options that are among `chosen`, in the offered order.
std::vector<bridge::FieldOption> Chosen(const std::vector<bridge::FieldOption>& options,
                                        const std::vector<std::string>& chosen) {
  std::vector<bridge::FieldOption> out;
  for (const bridge::FieldOption& option : options) {
    if (std::find(chosen.begin(), chosen.end(), option.value) != chosen.end()) out.push_back(option);
  }
  return out;
}

// `initial`: what the field shows already (a typed text, chosen options).
bool Element(Writer& w, const FormField& field, const std::vector<std::string>& initial, OptionBudget& budget) {
  std::string action_id(bridge::KindName(field.kind));
  std::string first = initial.empty() ? std::string() : initial.front();
  switch (field.kind) {
    case FieldKind::kText:
    case FieldKind::kParagraph:
    case FieldKind::kWords: {
      size_t max = field.max_chars == 0 ? kMaxInputChars : std::min(field.max_chars, kMaxInputChars);
      w.StartObject();
      Field(w, "type", "plain_text_input");
      Field(w, "action_id", action_id);
      if (field.kind == FieldKind::kParagraph) Field(w, "multiline", true);
      Field(w, "max_length", static_cast<int>(max));
      std::string text = first;
      for (size_t i = 1; field.kind == FieldKind::kWords && i < initial.size(); ++i) text += " " + initial[i];
      if (!text.empty()) Field(w, "initial_value", bridge::TruncateChars(text, max));
      if (field.kind == FieldKind::kWords) Placeholder(w, "Words separated by spaces");
      w.EndObject();
      return true;
    }
    case FieldKind::kSelect:
    case FieldKind::kMultiSelect: {
      std::vector<bridge::FieldOption> options = Offerable(field, budget);
      if (options.empty()) return false;
      w.StartObject();
      Field(w, "type", field.kind == FieldKind::kSelect ? "static_select" : "multi_static_select");
      Field(w, "action_id", action_id);
      Placeholder(w, field.kind == FieldKind::kSelect ? "Choose one" : "Choose any");
      Options(w, options);
      std::vector<bridge::FieldOption> chosen = Chosen(options, initial);
      if (!chosen.empty() && field.kind == FieldKind::kSelect) {
        Key(w, "initial_option");
        Option(w, chosen.front());
      } else if (!chosen.empty()) {
        Key(w, "initial_options");
        w.StartArray();
        for (const bridge::FieldOption& option : chosen) Option(w, option);
        w.EndArray();
      }
      w.EndObject();
      return true;
    }
    case FieldKind::kDate:
    case FieldKind::kNumber:
      w.StartObject();
      Field(w, "action_id", action_id);
      if (field.kind == FieldKind::kDate) {
        Field(w, "type", "datepicker");
        Placeholder(w, "Pick a date");
        if (!first.empty()) Field(w, "initial_date", first);
      } else {
        Field(w, "type", "number_input");
        Field(w, "is_decimal_allowed", true);
        if (!first.empty()) Field(w, "initial_value", first);
      }
      w.EndObject();
      return true;
    case FieldKind::kUnsupported:
      return false;
  }
  return false;
}

// One input block for `field`, written only when there is something to
// ask; the summary is always asked for (contract behaviour 3).
void Input(Writer& w, const FormField& field, const std::vector<std::string>& initial, OptionBudget& budget) {
  rapidjson::StringBuffer element_buffer;
  Writer element(element_buffer);
  if (!Element(element, field, initial, budget)) return;
  w.StartObject();
  Field(w, "type", "input");
  Field(w, "block_id", field.id);
  Field(w, "optional", !field.required && field.id != bridge::kSummaryField);
  Key(w, "label");
  Text(w, "plain_text", field.name.empty() ? field.id : field.name, 2000);
  Key(w, "element");
  w.RawValue(element_buffer.GetString(), element_buffer.GetSize(), rapidjson::kObjectType);
  w.EndObject();
}

// The type's summary and description, or ours when it has none, with the
// limits the contract sets for them.
FormField Standard(const bridge::RequestType& type, const char* id, const char* name, FieldKind kind,
                   size_t max_chars) {
  for (const FormField& field : type.fields) {
    if (field.id != id) continue;
    FormField out = field;
    out.kind = kind;
    out.max_chars = max_chars;
    return out;
  }
  return FormField{id, name, kind, std::string(id) == bridge::kSummaryField, max_chars, {}, "string"};
}

// Where the view goes: a new modal for `trigger_id`, or in place of view
// `view_id` at `hash`.
struct Place {
  std::string trigger_id;
  std::string view_id;
  std::string hash;
};

// The view's common head up to its blocks array.
void BeginModal(Writer& w, const Place& place, const std::string& private_metadata, bool with_submit) {
  if (place.view_id.empty()) {
    Field(w, "trigger_id", place.trigger_id);
  } else {
    Field(w, "view_id", place.view_id);
    if (!place.hash.empty()) Field(w, "hash", place.hash);  // Slack refuses it when the view changed since
  }
  Key(w, "view");
  w.StartObject();
  Field(w, "type", "modal");
  Field(w, "callback_id", bridge::kRequestCallback);
  Field(w, "private_metadata", bridge::TruncateChars(private_metadata, 3000));
  Key(w, "title");
  Text(w, "plain_text", kTitle, 24);
  if (with_submit) {
    Key(w, "submit");
    Text(w, "plain_text", "Create", 24);
  }
  Key(w, "close");
  Text(w, "plain_text", with_submit ? "Cancel" : "Close", 24);
  Key(w, "blocks");
  w.StartArray();
}

// The request type choice: an input whose select sends its change at once
// (dispatch_action), so the form can follow the type chosen.
void TypeChoice(Writer& w, const FormContent& content) {
  w.StartObject();
  Field(w, "type", "input");
  Field(w, "block_id", bridge::kTypeChoiceAction);
  Field(w, "dispatch_action", true);
  Key(w, "label");
  Text(w, "plain_text", "Request type", 2000);
  Key(w, "element");
  w.StartObject();
  Field(w, "type", "static_select");
  Field(w, "action_id", bridge::kTypeChoiceAction);
  Key(w, "options");
  w.StartArray();
  const std::vector<bridge::FieldOption>& choices = content.type_choices;
  for (size_t i = 0; i < choices.size() && i < kMaxOptionsPerList; ++i) Option(w, choices[i]);
  w.EndArray();
  for (const bridge::FieldOption& option : choices) {
    if (option.value != content.type.target.type_id) continue;
    Key(w, "initial_option");
    Option(w, option);
    break;
  }
  w.EndObject();
  w.EndObject();
}

std::string FormBody(const Place& place, const FormContent& content) {
  const bridge::RequestType& type = content.type;
  auto typed = [&content](const std::string& id) {
    for (const bridge::FieldValue& value : content.typed) {
      if (value.field_id == id) return value.values;
    }
    return std::vector<std::string>();
  };
  Body body;
  Writer& w = body.w;
  BeginModal(w, place, bridge::EncodeFormMetadata(content.metadata), true);
  OptionBudget budget;
  if (content.type_choices.size() > 1) {
    TypeChoice(w, content);
  } else if (!type.name.empty()) {
    Context(w, "Request type: *" + EscapeMrkdwnLine(bridge::CleanLine(type.name)) + "*");
  }
  Input(w, Standard(type, bridge::kSummaryField, "Summary", FieldKind::kText, bridge::kSummaryMaxChars),
        {content.prefill.summary}, budget);
  Input(w,
        Standard(type, bridge::kDescriptionField, "Description", FieldKind::kParagraph, bridge::kDescriptionMaxChars),
        {content.prefill.description}, budget);
  // The head and the two inputs above count against Slack's 100 blocks.
  size_t blocks = 3;
  for (const FormField& field : type.fields) {
    if (field.id == bridge::kSummaryField || field.id == bridge::kDescriptionField) continue;
    if (blocks >= kMaxModalBlocks) break;
    if (field.kind == FieldKind::kUnsupported) continue;
    Input(w, field, typed(field.id), budget);
    ++blocks;
  }
  w.EndArray();
  w.EndObject();
  return body.Done();
}

}  // namespace

std::string RequestFormView(const std::string& trigger_id, const FormContent& content) {
  return FormBody(Place{trigger_id, "", ""}, content);
}

std::string RequestFormView(const std::string& trigger_id, const bridge::RequestType& type,
                            const bridge::FormPrefill& prefill, const bridge::FormMetadata& metadata) {
  return RequestFormView(trigger_id, FormContent{type, {}, prefill, {}, metadata});
}

std::string RequestFormUpdate(const std::string& view_id, const std::string& hash, const FormContent& content) {
  return FormBody(Place{"", view_id, hash}, content);
}

std::string FormNoticeView(const std::string& trigger_id, const std::string& message, const std::string& view_id,
                           const std::string& hash) {
  Body body;
  Writer& w = body.w;
  BeginModal(w, Place{trigger_id, view_id, hash}, "", false);
  Section(w, EscapeMrkdwn(message));
  w.EndArray();
  w.EndObject();
  return body.Done();
}

std::string FieldErrorsResponse(const std::vector<bridge::FieldError>& errors) {
  Body body;
  Writer& w = body.w;
  Field(w, "response_action", "errors");
  Key(w, "errors");
  w.StartObject();
  for (const bridge::FieldError& error : errors) {
    Key(w, error.block_id.c_str());
    block_writer::Str(w, bridge::TruncateChars(error.message, 2000));
  }
  w.EndObject();
  return body.Done();
}

}  // namespace slack
