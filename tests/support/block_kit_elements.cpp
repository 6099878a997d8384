// The fake Slack's checks of interactive elements (block_kit_impl.h). Every
// rule names its source: @slack/types 3.2.0 block-elements.d.ts and
// composition-objects.d.ts (the "types" key of slack-facts.md), the limits
// table of slack-facts.md §4, or docs.slack.dev's element reference pages.
#include <cstdlib>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "block_kit.h"
#include "block_kit_impl.h"

namespace fake::block_kit {
namespace {

using rapidjson::SizeType;
using rapidjson::Value;

constexpr size_t kOptionText = 75;        // composition-objects: option text, value, description
constexpr size_t kPlaceholder = 150;      // extensions.d.ts Placeholdable
constexpr SizeType kSelectOptions = 100;  // block-elements: StaticSelect options / option_groups
constexpr SizeType kChoiceOptions = 10;   // block-elements: Checkboxes / RadioButtons options

// An option object: text (plain_text unless `mrkdwn_ok`: checkboxes and
// radio buttons take Option, selects only PlainTextOption), value and
// description, each <= 75 characters. docs.slack.dev's option object marks
// `value` required.
std::string CheckOption(const Value& option, const std::string& where, bool mrkdwn_ok) {
  if (!option.IsObject()) return where + ": not an object";
  if (!option.HasMember("text")) return where + ".text: missing";
  std::string error = CheckText(option["text"], where + ".text", kOptionText, !mrkdwn_ok);
  if (!error.empty()) return error;
  if (!option.HasMember("value") || !option["value"].IsString()) return where + ".value: missing";
  error = CheckLength(option, "value", where, kOptionText);
  if (error.empty() && option.HasMember("description")) {
    error = CheckText(option["description"], where + ".description", kOptionText, !mrkdwn_ok);
  }
  return error;
}

// An array of 1..max options, each collected into `all` for the initial
// option(s) to be found among. The lower bound of 1 is the option groups'
// rule (below) applied to a flat list too: a select with nothing to choose
// is refused (inference: no source states it for `options`).
std::string CheckOptionList(const Value& options, const std::string& where, SizeType max, bool mrkdwn_ok,
                            std::vector<const Value*>* all) {
  if (!options.IsArray()) return where + ": not an array";
  if (options.Size() < 1 || options.Size() > max) {
    return fmt::format("{}: {} options (allowed 1 to {})", where, options.Size(), max);
  }
  for (SizeType i = 0; i < options.Size(); ++i) {
    std::string error = CheckOption(options[i], fmt::format("{}[{}]", where, i), mrkdwn_ok);
    if (!error.empty()) return error;
    all->push_back(&options[i]);
  }
  return {};
}

// StaticSelect / MultiStaticSelect: exactly one of `options` (<= 100) and
// `option_groups` (<= 100 groups, each a plain_text label <= 75 and 1..100
// options) (block-elements.d.ts; composition-objects.d.ts OptionGroup).
std::string CheckStaticOptions(const Value& element, const std::string& where, std::vector<const Value*>* all) {
  bool has_options = element.HasMember("options");
  bool has_groups = element.HasMember("option_groups");
  if (has_options == has_groups) return where + ": needs exactly one of options and option_groups";
  if (has_options) return CheckOptionList(element["options"], where + ".options", kSelectOptions, false, all);
  const Value& groups = element["option_groups"];
  if (!groups.IsArray()) return where + ".option_groups: not an array";
  if (groups.Size() < 1 || groups.Size() > kSelectOptions) {
    return fmt::format("{}.option_groups: {} groups (allowed 1 to {})", where, groups.Size(), kSelectOptions);
  }
  for (SizeType i = 0; i < groups.Size(); ++i) {
    std::string at = fmt::format("{}.option_groups[{}]", where, i);
    if (!groups[i].IsObject()) return at + ": not an object";
    if (!groups[i].HasMember("label")) return at + ".label: missing";
    std::string error = CheckText(groups[i]["label"], at + ".label", kOptionText, true);
    if (error.empty()) {
      if (!groups[i].HasMember("options")) return at + ".options: missing";
      error = CheckOptionList(groups[i]["options"], at + ".options", kSelectOptions, false, all);
    }
    if (!error.empty()) return error;
  }
  return {};
}

// Slack shows an initial option only when it "exactly matches one of the
// options" (block-elements.d.ts StaticSelect.initial_option, Checkboxes,
// RadioButtons): the same text (type and characters) and the same value.
bool SameOption(const Value& a, const Value& b) {
  if (Str(a, "value") != Str(b, "value")) return false;
  if (!a.HasMember("text") || !b.HasMember("text")) return false;
  return Str(a["text"], "type") == Str(b["text"], "type") && Str(a["text"], "text") == Str(b["text"], "text");
}

std::string CheckInitial(const Value& initial, const std::string& where, bool mrkdwn_ok,
                         const std::vector<const Value*>* among) {
  std::string error = CheckOption(initial, where, mrkdwn_ok);
  if (!error.empty() || among == nullptr) return error;
  for (const Value* option : *among) {
    if (SameOption(initial, *option)) return {};
  }
  return fmt::format("{}: value '{}' with its text is not one of the options", where, Str(initial, "value"));
}

// initial_option (single) or initial_options (multi, a non-empty array):
// well-formed options and, when `among` is given, each one of them.
std::string CheckInitials(const Value& element, const std::string& where, bool multi, bool mrkdwn_ok,
                          const std::vector<const Value*>* among) {
  const char* key = multi ? "initial_options" : "initial_option";
  if (!element.HasMember(key)) return {};
  std::string at = where + "." + key;
  if (!multi) return CheckInitial(element[key], at, mrkdwn_ok, among);
  const Value& initials = element[key];
  if (!initials.IsArray() || initials.Empty()) return at + ": must be a non-empty array";
  for (SizeType i = 0; i < initials.Size(); ++i) {
    std::string error = CheckInitial(initials[i], fmt::format("{}[{}]", at, i), mrkdwn_ok, among);
    if (!error.empty()) return error;
  }
  return {};
}

// The optional integer member `key` >= `min` (a JSON number, as the types
// declare `number`).
std::string CheckIntAtLeast(const Value& element, const char* key, const std::string& where, int min) {
  if (!element.HasMember(key)) return {};
  if (!element[key].IsInt() || element[key].GetInt() < min) {
    return fmt::format("{}.{}: must be an integer of at least {}", where, key, min);
  }
  return {};
}

std::string CheckSelect(const Value& element, const std::string& where, bool multi, bool external) {
  std::vector<const Value*> options;
  std::string error;
  if (external) {
    // external_select / multi_external_select: options come from the app
    // (block_suggestion); min_query_length defaults to 3 and may be 0.
    error = CheckIntAtLeast(element, "min_query_length", where, 0);
  } else {
    error = CheckStaticOptions(element, where, &options);
  }
  // MaxItemsSelectable: "Minimum number is 1" (extensions.d.ts).
  if (error.empty() && multi) error = CheckIntAtLeast(element, "max_selected_items", where, 1);
  if (error.empty()) error = CheckInitials(element, where, multi, false, external ? nullptr : &options);
  return error;
}

bool Digits(const std::string& text, size_t from, size_t count) {
  if (text.size() < from + count) return false;
  for (size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// Datepicker.initial_date "YYYY-MM-DD" (block-elements.d.ts), a day that
// exists: Slack refuses 2026-02-30.
bool IsDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  if (!Digits(text, 0, 4) || !Digits(text, 5, 2) || !Digits(text, 8, 2)) return false;
  int year = std::atoi(text.substr(0, 4).c_str());
  int month = std::atoi(text.substr(5, 2).c_str());
  int day = std::atoi(text.substr(8, 2).c_str());
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// Timepicker.initial_time "HH:mm", 00-23 and 00-59 (block-elements.d.ts).
bool IsTime(const std::string& text) {
  if (text.size() != 5 || text[2] != ':' || !Digits(text, 0, 2) || !Digits(text, 3, 2)) return false;
  return std::atoi(text.substr(0, 2).c_str()) < 24 && std::atoi(text.substr(3, 2).c_str()) < 60;
}

// A number_input value: an optional '-', digits, and with decimals allowed
// an optional '.' and digits ("0.25, 5.5, and -10 are all valid";
// "Decimal numbers are only allowed when is_decimal_allowed is true").
bool IsNumber(const std::string& text, bool decimal) {
  size_t i = text.empty() || text[0] != '-' ? 0 : 1;
  size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  if (digits == 0) return false;
  if (i == text.size()) return true;
  if (!decimal || text[i] != '.') return false;
  size_t fraction = 0;
  for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) ++fraction;
  return fraction > 0 && i == text.size();
}

std::string CheckNumberInput(const Value& element, const std::string& where) {
  // NumberInput.is_decimal_allowed is the one required member (block-elements.d.ts).
  if (!element.HasMember("is_decimal_allowed") || !element["is_decimal_allowed"].IsBool()) {
    return where + ".is_decimal_allowed: required boolean";
  }
  bool decimal = element["is_decimal_allowed"].GetBool();
  for (const char* key : {"initial_value", "min_value", "max_value"}) {
    if (!element.HasMember(key)) continue;
    if (!element[key].IsString() || !IsNumber(element[key].GetString(), decimal)) {
      return fmt::format("{}.{}: must be a string holding {}", where, key, decimal ? "a number" : "an integer");
    }
  }
  // "The minimum value, cannot be greater than max_value."
  if (element.HasMember("min_value") && element.HasMember("max_value") &&
      std::strtod(element["min_value"].GetString(), nullptr) > std::strtod(element["max_value"].GetString(), nullptr)) {
    return where + ".min_value: greater than max_value";
  }
  return {};
}

// plain-text-input element reference (docs.slack.dev): min_length 0..3000,
// max_length 1..3000, initial_value <= 3000; a minimum above the maximum
// can never be met.
std::string CheckPlainTextInput(const Value& element, const std::string& where) {
  std::string error = CheckBool(element, "multiline", where);
  if (!error.empty()) return error;
  int min_length = 0;
  int max_length = 3000;
  if (element.HasMember("min_length")) {
    if (!element["min_length"].IsInt() || element["min_length"].GetInt() < 0 || element["min_length"].GetInt() > 3000) {
      return where + ".min_length: must be 0 to 3000";
    }
    min_length = element["min_length"].GetInt();
  }
  if (element.HasMember("max_length")) {
    if (!element["max_length"].IsInt() || element["max_length"].GetInt() < 1 || element["max_length"].GetInt() > 3000) {
      return where + ".max_length: must be 1 to 3000";
    }
    max_length = element["max_length"].GetInt();
  }
  if (min_length > max_length)
    return fmt::format("{}.min_length: {} above max_length {}", where, min_length, max_length);
  return CheckLength(element, "initial_value", where, 3000);
}

// Checkboxes / RadioButtons: 1..10 options, mrkdwn allowed, initial
// option(s) among them (block-elements.d.ts).
std::string CheckChoices(const Value& element, const std::string& where, bool multi) {
  if (!element.HasMember("options")) return where + ".options: missing";
  std::vector<const Value*> options;
  std::string error = CheckOptionList(element["options"], where + ".options", kChoiceOptions, true, &options);
  if (error.empty()) error = CheckInitials(element, where, multi, true, &options);
  return error;
}

// InputBlockElement (blocks.d.ts): what an input block may hold.
const std::set<std::string>& InputElementTypes() {
  static const std::set<std::string> kTypes = {"checkboxes",
                                               "datepicker",
                                               "datetimepicker",
                                               "email_text_input",
                                               "file_input",
                                               "multi_static_select",
                                               "multi_external_select",
                                               "multi_users_select",
                                               "multi_conversations_select",
                                               "multi_channels_select",
                                               "number_input",
                                               "plain_text_input",
                                               "radio_buttons",
                                               "rich_text_input",
                                               "static_select",
                                               "external_select",
                                               "users_select",
                                               "conversations_select",
                                               "channels_select",
                                               "timepicker",
                                               "url_text_input"};
  return kTypes;
}

std::string CheckTyped(const Value& element, const std::string& type, const std::string& where) {
  if (type == "button") {
    if (!element.HasMember("text")) return where + ".text: missing";
    std::string error = CheckText(element["text"], where + ".text", 75, true);
    if (error.empty()) error = CheckLength(element, "value", where, 2000);
    if (error.empty()) error = CheckLength(element, "url", where, 3000);
    return error;
  }
  if (type == "plain_text_input") return CheckPlainTextInput(element, where);
  if (type == "static_select") return CheckSelect(element, where, false, false);
  if (type == "multi_static_select") return CheckSelect(element, where, true, false);
  if (type == "external_select") return CheckSelect(element, where, false, true);
  if (type == "multi_external_select") return CheckSelect(element, where, true, true);
  if (type == "checkboxes") return CheckChoices(element, where, true);
  if (type == "radio_buttons") return CheckChoices(element, where, false);
  if (type == "number_input") return CheckNumberInput(element, where);
  if (type == "datepicker") {
    if (element.HasMember("initial_date") &&
        (!element["initial_date"].IsString() || !IsDate(element["initial_date"].GetString()))) {
      return where + ".initial_date: must be an existing day as YYYY-MM-DD";
    }
    return {};
  }
  if (type == "timepicker") {
    if (element.HasMember("initial_time") &&
        (!element["initial_time"].IsString() || !IsTime(element["initial_time"].GetString()))) {
      return where + ".initial_time: must be HH:mm";
    }
    return {};
  }
  if (type == "datetimepicker") {
    // DateTimepicker.initial_date_time: a number, UNIX seconds ("10 digits").
    if (element.HasMember("initial_date_time") &&
        (!element["initial_date_time"].IsInt64() || element["initial_date_time"].GetInt64() < 0)) {
      return where + ".initial_date_time: must be an integer (UNIX seconds)";
    }
    return {};
  }
  return {};
}

}  // namespace

std::string CheckElement(const Value& element, const std::string& where, Slot slot) {
  if (!element.IsObject()) return where + ": not an object";
  std::string type = Str(element, "type");
  if (type.empty()) return where + ".type: missing";
  if (slot == Slot::kInput && InputElementTypes().count(type) == 0) {
    return fmt::format("{}.type: '{}' is not an input element", where, type);
  }
  // Actionable.action_id: <= 255 (extensions.d.ts; §4).
  if (element.HasMember("action_id") && !element["action_id"].IsString()) return where + ".action_id: not a string";
  std::string error = CheckLength(element, "action_id", where, 255);
  if (error.empty() && element.HasMember("placeholder")) {
    error = CheckText(element["placeholder"], where + ".placeholder", kPlaceholder, true);
  }
  if (error.empty()) error = CheckBool(element, "focus_on_load", where);
  if (error.empty()) error = CheckTyped(element, type, where);
  return error;
}

}  // namespace fake::block_kit

namespace fake {

std::string ValidateSuggestionOptions(const rapidjson::Value& response) {
  if (!response.IsObject()) return "response: not an object";
  const bool nothing_matched = response.HasMember("options") && response["options"].IsArray() &&
                               response["options"].Empty() && !response.HasMember("option_groups");
  if (nothing_matched) return {};
  std::vector<const rapidjson::Value*> options;
  return block_kit::CheckStaticOptions(response, "response", &options);
}

}  // namespace fake
