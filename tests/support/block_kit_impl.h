// The pieces of the fake's Block Kit checks shared by block_kit.cpp (blocks
// and views) and block_kit_elements.cpp (interactive elements). Private to
// them. Every check returns "" when the value is valid, otherwise what is
// wrong with a JSON-pointer-like path, e.g. "blocks[2].element.options[4].value".
#pragma once

#include <string>

#include <rapidjson/document.h>

namespace fake::block_kit {

// The string member `key`, "" when absent or not a string.
std::string Str(const rapidjson::Value& object, const char* key);

// A text object {type, text}: plain_text (or mrkdwn unless `plain_only`),
// 1..max characters.
std::string CheckText(const rapidjson::Value& text, const std::string& where, size_t max, bool plain_only = false);

// The optional string member `key`: a string of at most `max` characters.
std::string CheckLength(const rapidjson::Value& object, const char* key, const std::string& where, size_t max);

// The optional member `key`: a JSON boolean (Slack refuses "true" or 1).
std::string CheckBool(const rapidjson::Value& object, const char* key, const std::string& where);

// Where the element sits: an input block accepts only input elements
// (@slack/types blocks.d.ts InputBlockElement); actions blocks and section
// accessories keep their own lists, which the fake does not narrow yet.
enum class Slot { kInput, kActions, kAccessory };

std::string CheckElement(const rapidjson::Value& element, const std::string& where, Slot slot);

}  // namespace fake::block_kit
