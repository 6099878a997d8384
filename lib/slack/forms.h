// The request form as Block Kit, pure: the modal built from a request
// type's fields (contract behaviour 10), the modal shown instead when the
// form cannot be offered, and the ack that shows errors under the inputs.
// Limits are slack-facts.md §4's: every text, option and count is kept
// within them, so views.open is never refused for what a helpdesk says.
//
// Each field is one input block whose block_id is the field's id and whose
// action_id is the name of its kind (bridge::KindName), so a submission
// says by itself what each value is (interactions.h reads it back).
#pragma once

#include <string>
#include <vector>

#include "bridge/core.h"
#include "bridge/form.h"
#include "bridge/request_type.h"

namespace slack {

// Slack's limits for what a form holds.
inline constexpr size_t kMaxInputChars = 3000;     // plain_text_input max_length
inline constexpr size_t kMaxOptionsPerList = 100;  // options, or options per group
inline constexpr size_t kMaxOptionGroups = 100;
inline constexpr size_t kMaxOptionValueChars = 75;
inline constexpr size_t kMaxModalBlocks = 100;
// What the options of one form may add up to (bytes of JSON), well inside
// the 250 kB a view may have: options past it are left out.
inline constexpr size_t kOptionBudgetBytes = 150 * 1000;

// What a request form shows.
struct FormContent {
  bridge::RequestType type;
  // The route's request types (value: type id, label: name) when it has
  // several: a select at the top that sends bridge::kTypeChoiceAction.
  std::vector<bridge::FieldOption> type_choices;
  bridge::FormPrefill prefill;
  // Values typed under another type of the same form, kept where this type
  // has the same field (and, for lists, the same option).
  std::vector<bridge::FieldValue> typed;
  bridge::FormMetadata metadata;  // goes in private_metadata
};

// views.open body: the modal for content.type, the type choice first (when
// there is one), then summary and description (pre-filled), then its other
// fields in the helpdesk's order; fields no form can ask for are left out.
std::string RequestFormView(const std::string& trigger_id, const FormContent& content);
std::string RequestFormView(const std::string& trigger_id, const bridge::RequestType& type,
                            const bridge::FormPrefill& prefill, const bridge::FormMetadata& metadata);
// views.update body: the same form in place of view `view_id` at `hash`.
std::string RequestFormUpdate(const std::string& view_id, const std::string& hash, const FormContent& content);

// views.open body (views.update when `view_id` is given): a modal with no
// input that says `message` (plain text, escaped): what to do when the
// form cannot be offered.
std::string FormNoticeView(const std::string& trigger_id, const std::string& message, const std::string& view_id = "",
                           const std::string& hash = "");

// The view_submission ack payload that shows each error under its block.
std::string FieldErrorsResponse(const std::vector<bridge::FieldError>& errors);

}  // namespace slack
