// The payloads the flow reacts to, parsed from their JSON (slack-facts.md
// §2): message events (app_mention and message), block_actions clicks and
// view_submission forms. Pure; ill-typed or missing fields read as empty.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "bridge/events.h"

namespace slack {

struct MessageEvent {
  std::string type;     // app_mention or message
  std::string subtype;  // "" for a plain message
  std::string channel;
  std::string user;
  std::string bot_id;
  std::string text;
  std::string ts;
  std::string thread_ts;  // "" when top-level
  std::vector<bridge::SharedFile> files;  // see ReadSharedFile
  // message_changed: the fields above describe the message as it is now
  // (event.message); these say when and what it was before.
  std::string edited_ts;
  std::string previous_text;
};

// One entry of a message's `files` (files-and-edits.md §1.1): the URL is
// url_private_download, else url_private, and "" for a stub that offers no
// contents (Slack Connect's file_access, a tombstone, a file hidden by the
// plan's limit), which is never fetched. A missing name reads as the title,
// else the id.
bridge::SharedFile ReadSharedFile(const rapidjson::Value& file);

// From an events_api payload; nullopt when it carries no such event.
std::optional<MessageEvent> ParseMessageEvent(std::string_view payload_json);

struct ButtonClick {
  std::string user;
  std::string trigger_id;
  std::string action_id;
  std::string value;
  std::string channel;
};

// The first action of a block_actions payload; nullopt for anything else.
std::optional<ButtonClick> ParseButtonClick(std::string_view payload_json);

// A request type chosen in an open request form: a block_actions payload
// from a view whose first action is bridge::kTypeChoiceAction, with what was
// typed so far (envelope_id is the caller's to fill in); nullopt for
// anything else.
std::optional<bridge::FormTypeChosen> ParseTypeChoice(std::string_view payload_json);

// A view_submission payload, with the request form's fields read from
// view.state.values (envelope_id is the caller's to fill in); nullopt for
// anything else.
std::optional<bridge::FormSubmitted> ParseFormSubmission(std::string_view payload_json);

}  // namespace slack
