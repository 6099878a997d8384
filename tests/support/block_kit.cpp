// The fake Slack's Block Kit checks of blocks and views (block_kit.h); the
// interactive elements are checked in block_kit_elements.cpp. Limits:
// slack-facts.md §4, types: @slack/types 3.2.0 blocks.d.ts and views.d.ts.
#include "block_kit.h"

#include <set>

#include <fmt/format.h>

#include "block_kit_impl.h"

namespace fake {
namespace block_kit {

std::string Str(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject() || !object.HasMember(key) || !object[key].IsString()) return {};
  return object[key].GetString();
}

std::string CheckText(const rapidjson::Value& text, const std::string& where, size_t max, bool plain_only) {
  if (!text.IsObject()) return where + ": not a text object";
  std::string type = Str(text, "type");
  if (type != "plain_text" && (plain_only || type != "mrkdwn")) {
    return fmt::format("{}.type: '{}' not allowed", where, type);
  }
  if (!text.HasMember("text") || !text["text"].IsString()) return where + ".text: missing";
  size_t length = Utf8Length(text["text"].GetString());
  if (length < 1 || length > max) {
    return fmt::format("{}.text: {} characters (allowed 1 to {})", where, length, max);
  }
  return {};
}

std::string CheckLength(const rapidjson::Value& object, const char* key, const std::string& where, size_t max) {
  std::string value = Str(object, key);
  if (Utf8Length(value) > max) {
    return fmt::format("{}.{}: {} characters (max {})", where, key, Utf8Length(value), max);
  }
  return {};
}

std::string CheckBool(const rapidjson::Value& object, const char* key, const std::string& where) {
  if (object.IsObject() && object.HasMember(key) && !object[key].IsBool()) {
    return fmt::format("{}.{}: must be a boolean", where, key);
  }
  return {};
}

}  // namespace block_kit

namespace {

using block_kit::CheckBool;
using block_kit::CheckElement;
using block_kit::CheckLength;
using block_kit::CheckText;
using block_kit::Slot;
using block_kit::Str;

std::string CheckBlock(const rapidjson::Value& block, const std::string& where, bool in_modal,
                       std::set<std::string>* block_ids) {
  if (!block.IsObject()) return where + ": not an object";
  std::string type = Str(block, "type");
  std::string block_id = Str(block, "block_id");
  if (!block_id.empty()) {
    if (block_id.size() > 255) return where + ".block_id: longer than 255";
    if (!block_ids->insert(block_id).second) return where + ".block_id: duplicate '" + block_id + "'";
  }
  if (type == "section") {
    if (!block.HasMember("text") && !block.HasMember("fields")) return where + ": needs text or fields";
    if (block.HasMember("text")) {
      std::string error = CheckText(block["text"], where + ".text", 3000);
      if (!error.empty()) return error;
    }
    if (block.HasMember("fields")) {
      const auto& fields = block["fields"];
      if (!fields.IsArray() || fields.Size() > 10) return where + ".fields: more than 10";
      for (rapidjson::SizeType i = 0; i < fields.Size(); ++i) {
        std::string error = CheckText(fields[i], fmt::format("{}.fields[{}]", where, i), 2000);
        if (!error.empty()) return error;
      }
    }
    if (block.HasMember("accessory")) return CheckElement(block["accessory"], where + ".accessory", Slot::kAccessory);
    return {};
  }
  if (type == "header") {
    if (!block.HasMember("text")) return where + ".text: missing";
    return CheckText(block["text"], where + ".text", 150, true);
  }
  if (type == "context") {
    if (!block.HasMember("elements") || !block["elements"].IsArray()) return where + ".elements: missing";
    if (block["elements"].Size() > 10) return where + ".elements: more than 10";
    return {};
  }
  if (type == "actions") {
    if (!block.HasMember("elements") || !block["elements"].IsArray()) return where + ".elements: missing";
    const auto& elements = block["elements"];
    if (elements.Size() < 1 || elements.Size() > 25) return where + ".elements: must be 1 to 25";
    // action_id: "unique among all other action_ids in the containing
    // block" (extensions.d.ts Actionable; §4).
    std::set<std::string> action_ids;
    for (rapidjson::SizeType i = 0; i < elements.Size(); ++i) {
      std::string at = fmt::format("{}.elements[{}]", where, i);
      std::string error = CheckElement(elements[i], at, Slot::kActions);
      if (!error.empty()) return error;
      std::string action_id = Str(elements[i], "action_id");
      if (!action_id.empty() && !action_ids.insert(action_id).second) {
        return at + ".action_id: duplicate '" + action_id + "' in its block";
      }
    }
    return {};
  }
  if (type == "input") {
    if (!in_modal) return {};
    if (!block.HasMember("label")) return where + ".label: missing";
    std::string error = CheckText(block["label"], where + ".label", 2000, true);
    if (!error.empty()) return error;
    if (!block.HasMember("element")) return where + ".element: missing";
    if (block.HasMember("hint")) {
      error = CheckText(block["hint"], where + ".hint", 2000, true);
      if (!error.empty()) return error;
    }
    // InputBlock.optional and dispatch_action are booleans (blocks.d.ts).
    error = CheckBool(block, "optional", where);
    if (error.empty()) error = CheckBool(block, "dispatch_action", where);
    if (!error.empty()) return error;
    return CheckElement(block["element"], where + ".element", Slot::kInput);
  }
  if (type == "divider" || type == "image" || type == "rich_text" || type == "markdown") return {};
  return fmt::format("{}.type: unsupported block type '{}'", where, type);
}

std::string CheckBlocks(const rapidjson::Value& blocks, size_t max_blocks, bool in_modal) {
  if (!blocks.IsArray()) return "blocks: not an array";
  if (blocks.Size() > max_blocks) {
    return fmt::format("blocks: {} blocks (max {})", blocks.Size(), max_blocks);
  }
  std::set<std::string> block_ids;
  for (rapidjson::SizeType i = 0; i < blocks.Size(); ++i) {
    std::string error = CheckBlock(blocks[i], fmt::format("blocks[{}]", i), in_modal, &block_ids);
    if (!error.empty()) return error;
  }
  return {};
}

}  // namespace

size_t Utf8Length(const std::string& text) {
  size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string ValidateMessageBlocks(const rapidjson::Value& blocks) { return CheckBlocks(blocks, 50, false); }

std::string ValidateModalView(const rapidjson::Value& view) {
  if (!view.IsObject()) return "view: not an object";
  if (Str(view, "type") != "modal") return "view.type: must be modal";
  if (!view.HasMember("title")) return "view.title: missing";
  std::string error = CheckText(view["title"], "view.title", 24, true);
  if (!error.empty()) return error;
  for (const char* key : {"submit", "close"}) {
    if (view.HasMember(key)) {
      error = CheckText(view[key], std::string("view.") + key, 24, true);
      if (!error.empty()) return error;
    }
  }
  error = CheckLength(view, "private_metadata", "view", 3000);
  if (error.empty()) error = CheckLength(view, "callback_id", "view", 255);
  if (error.empty()) error = CheckLength(view, "external_id", "view", 255);
  if (!error.empty()) return error;
  if (!view.HasMember("blocks")) return "view.blocks: missing";
  error = CheckBlocks(view["blocks"], 100, true);
  if (!error.empty()) return error;
  bool has_input = false;
  for (const auto& block : view["blocks"].GetArray()) {
    if (Str(block, "type") == "input") has_input = true;
  }
  if (has_input && !view.HasMember("submit")) return "view.submit: required when the view has input blocks";
  return {};
}

}  // namespace fake
