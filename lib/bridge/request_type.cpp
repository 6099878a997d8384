#include "bridge/request_type.h"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "bridge/text.h"

namespace bridge {
namespace {

constexpr std::array<std::pair<FieldKind, std::string_view>, 8> kKindNames = {{
    {FieldKind::kText, "text"},
    {FieldKind::kParagraph, "paragraph"},
    {FieldKind::kSelect, "select"},
    {FieldKind::kMultiSelect, "multi"},
    {FieldKind::kWords, "words"},
    {FieldKind::kDate, "date"},
    {FieldKind::kNumber, "number"},
    {FieldKind::kUnsupported, "unsupported"},
}};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "42", "-1.5", "+0.25": what Slack's number_input sends and what a
// helpdesk's number field reads. Bounded, so no reader overflows.
bool IsDecimal(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  size_t point = text.find('.');
  std::string_view whole = text.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  auto all_digits = [](std::string_view part) {
    for (char c : part) {
      if (!IsDigit(c)) return false;
    }
    return true;
  };
  if (whole.empty() && fraction.empty()) return false;
  if (point != std::string_view::npos && fraction.empty()) return false;
  return whole.size() <= 15 && fraction.size() <= 15 && all_digits(whole) && all_digits(fraction);
}

// A real calendar day written "YYYY-MM-DD" (what Slack's datepicker sends).
bool IsDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(text[i])) return false;
  }
  auto number = [&](size_t at, size_t digits) {
    int value = 0;
    for (size_t i = at; i < at + digits; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  int year = number(0, 4);
  int month = number(5, 2);
  int day = number(8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

}  // namespace

std::string_view KindName(FieldKind kind) {
  for (const auto& [each, name] : kKindNames) {
    if (each == kind) return name;
  }
  return "unsupported";
}

std::optional<FieldKind> KindNamed(std::string_view name) {
  for (const auto& [kind, each] : kKindNames) {
    if (each == name) return kind;
  }
  return std::nullopt;
}

const FormField* FirstUnofferable(const RequestType& type) {
  for (const FormField& field : type.fields) {
    if (field.required && field.kind == FieldKind::kUnsupported) return &field;
  }
  return nullptr;
}

std::string ValidateField(const SubmittedField& field) {
  const FieldValue& value = field.value;
  std::vector<std::string_view> entered;
  for (const std::string& each : value.values) {
    if (!Trimmed(each).empty()) entered.push_back(Trimmed(each));
  }
  if (entered.empty()) return field.required ? fmt::format("Please fill in {}.", CleanLine(field.name)) : "";
  switch (value.kind) {
    case FieldKind::kText:
    case FieldKind::kParagraph:
    case FieldKind::kWords:
      if (field.max_chars > 0 && CharCount(entered.front()) > field.max_chars) {
        return fmt::format("Please keep this to {} characters or fewer.", field.max_chars);
      }
      return "";
    case FieldKind::kNumber:
      return IsDecimal(entered.front()) ? "" : "Please enter a number, like 42 or 1.5.";
    case FieldKind::kDate:
      return IsDate(entered.front()) ? "" : "Please pick a date.";
    case FieldKind::kSelect:
    case FieldKind::kMultiSelect:
    case FieldKind::kUnsupported:
      return "";
  }
  return "";
}

std::vector<FieldValue> ValuesToSend(const std::vector<SubmittedField>& fields) {
  std::vector<FieldValue> out;
  for (const SubmittedField& field : fields) {
    FieldValue value{field.value.field_id, field.value.kind, {}};
    for (const std::string& each : field.value.values) {
      if (value.kind == FieldKind::kWords) {
        for (std::string& word : Words(each)) value.values.push_back(std::move(word));
      } else if (!Trimmed(each).empty()) {
        value.values.emplace_back(Trimmed(each));  // text keeps its inner layout; only the edges go
      }
    }
    if (!value.values.empty()) out.push_back(std::move(value));
  }
  return out;
}

}  // namespace bridge
