// The small writers every Block Kit body is made of (messages.cpp,
// forms.cpp): text objects cut to their limit, members, a body open from
// the start. Internal to lib/slack.
#pragma once

#include <cstddef>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridge/text.h"

namespace slack::block_writer {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void Str(Writer& w, const std::string& text) {
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
}

inline void Key(Writer& w, const char* key) { w.Key(key); }

// One "key": value member.
inline void Field(Writer& w, const char* key, const std::string& text) {
  Key(w, key);
  Str(w, text);
}
inline void Field(Writer& w, const char* key, const char* text) {
  Key(w, key);
  w.String(text);
}
inline void Field(Writer& w, const char* key, bool value) {
  Key(w, key);
  w.Bool(value);
}
inline void Field(Writer& w, const char* key, int value) {
  Key(w, key);
  w.Int(value);
}

// A text object, cut to `max` characters.
inline void Text(Writer& w, const char* type, const std::string& text, size_t max) {
  w.StartObject();
  Field(w, "type", type);
  Field(w, "text", bridge::TruncateChars(text, max));
  if (std::string(type) == "plain_text") Field(w, "emoji", true);
  w.EndObject();
}

inline void Section(Writer& w, const std::string& mrkdwn) {
  w.StartObject();
  Field(w, "type", "section");
  Key(w, "text");
  Text(w, "mrkdwn", mrkdwn, 3000);
  w.EndObject();
}

// A context block of one mrkdwn text.
inline void Context(Writer& w, const std::string& mrkdwn) {
  w.StartObject();
  Field(w, "type", "context");
  Key(w, "elements");
  w.StartArray();
  Text(w, "mrkdwn", mrkdwn, 3000);
  w.EndArray();
  w.EndObject();
}

inline std::string Finish(rapidjson::StringBuffer& buffer) { return std::string(buffer.GetString(), buffer.GetSize()); }

// A JSON object being written: open from the start, closed by Done().
struct Body {
  Body() { w.StartObject(); }
  std::string Done() {
    w.EndObject();
    return Finish(buffer);
  }
  rapidjson::StringBuffer buffer;
  Writer w{buffer};
};

}  // namespace slack::block_writer
