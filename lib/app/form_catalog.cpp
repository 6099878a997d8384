#include "app/form_catalog.h"

#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace app {

FormCatalog::FormCatalog(helpdesk::Helpdesk& helpdesk, std::function<util::TimePoint()> now)
    : helpdesk_(helpdesk), now_(std::move(now)) {}

util::Result<bridge::RequestType> FormCatalog::Get(const bridge::RequestTarget& target) {
  std::pair<std::string, std::string> key{target.desk_id, target.type_id};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto known = types_.find(key);
    if (known != types_.end() && now_() - known->second.read_at < kMaxAge) return known->second.type;
  }
  // Read without the lock: a slow helpdesk must not hold up Clear().
  auto type = helpdesk_.RequestTypeForm(target);
  if (!type) return type;
  std::lock_guard<std::mutex> lock(mutex_);
  types_[key] = Entry{*type, now_()};
  return type;
}

void FormCatalog::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  types_.clear();
}

util::Result<std::string> DescribeForm(const bridge::RequestType& type) {
  if (const bridge::FormField* field = bridge::FirstUnofferable(type)) {
    return util::MakeError(util::ErrorCode::kInvalidInput,
                           fmt::format("request type '{}' requires the field '{}' ({}, of type {}), which a Slack "
                                       "form cannot ask for: make it optional or route the channel elsewhere",
                                       type.name, field->name, field->id, field->type_name));
  }
  std::vector<std::string> asked;
  size_t left_out = 0;
  for (const bridge::FormField& field : type.fields) {
    if (field.kind == bridge::FieldKind::kUnsupported) {
      ++left_out;
    } else {
      asked.push_back(
          fmt::format("{} ({}{})", field.name, bridge::KindName(field.kind), field.required ? ", required" : ""));
    }
  }
  std::string detail = fmt::format("'{}': the form asks for {}", type.name, fmt::join(asked, ", "));
  if (left_out > 0) detail += fmt::format("; {} optional field(s) it cannot ask for are left out", left_out);
  return detail;
}

std::string UnofferableNotice(const bridge::RequestType& type, const bridge::FormField& field) {
  return fmt::format(
      "Sorry, \"{}\" requests cannot be raised from Slack: they need \"{}\", which a Slack form cannot ask for. "
      "Please raise it in the help center, or ask your helpdesk administrators to make that field optional.",
      type.name, field.name);
}

}  // namespace app
