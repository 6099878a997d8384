#include "app/rich_text_json.h"

#include <iterator>
#include <utility>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "util/json_util.h"

namespace app {
namespace {

using bridge::Block;
using bridge::Inline;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Index = the enum's value; the names are the stored form and must not change.
constexpr const char* kBlockKinds[] = {"paragraph", "heading", "quote", "bullet", "numbered", "code", "rule", "table_row"};
constexpr const char* kInlineKinds[] = {"text", "link", "user", "channel", "broadcast", "break"};
constexpr unsigned kAllMarks = bridge::kBold | bridge::kItalic | bridge::kStrike | bridge::kCode;
constexpr int kMaxLevel = 100;

void String(Writer& writer, const char* key, const std::string& value) {
  if (value.empty()) return;
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void WriteInlines(Writer& writer, const std::vector<Inline>& inlines) {
  writer.StartArray();
  for (const Inline& span : inlines) {
    writer.StartObject();
    writer.Key("kind");
    writer.String(kInlineKinds[static_cast<size_t>(span.kind)]);
    String(writer, "text", span.text);
    String(writer, "target", span.target);
    if (span.marks != bridge::kNoMark) {
      writer.Key("marks");
      writer.Uint(span.marks);
    }
    writer.EndObject();
  }
  writer.EndArray();
}

void WriteBlock(Writer& writer, const Block& block) {
  writer.StartObject();
  writer.Key("kind");
  writer.String(kBlockKinds[static_cast<size_t>(block.kind)]);
  if (!block.inlines.empty()) {
    writer.Key("inlines");
    WriteInlines(writer, block.inlines);
  }
  String(writer, "verbatim", block.verbatim);
  if (!block.cells.empty()) {
    writer.Key("cells");
    writer.StartArray();
    for (const auto& cell : block.cells) WriteInlines(writer, cell);
    writer.EndArray();
  }
  if (block.level != 0) {
    writer.Key("level");
    writer.Int(block.level);
  }
  if (block.header) {
    writer.Key("header");
    writer.Bool(true);
  }
  writer.EndObject();
}

// Reads the members of one object; any member of the wrong type makes
// `ok` false. Absent members keep their defaults.
class Fields {
 public:
  explicit Fields(const rapidjson::Value& object) : object_(object) {}

  const rapidjson::Value* Find(const char* key) const {
    auto it = object_.FindMember(key);
    return it == object_.MemberEnd() ? nullptr : &it->value;
  }

  void String(const char* key, std::string& out) {
    if (const rapidjson::Value* value = Find(key)) {
      if (!value->IsString()) ok = false;
      else out.assign(value->GetString(), value->GetStringLength());
    }
  }

  // An integer in [low, high].
  void Int(const char* key, long long low, long long high, long long& out) {
    if (const rapidjson::Value* value = Find(key)) {
      if (!value->IsInt64() || value->GetInt64() < low || value->GetInt64() > high) ok = false;
      else out = value->GetInt64();
    }
  }

  // The index of the "kind" string in `names`.
  template <size_t N>
  size_t Kind(const char* const (&names)[N]) {
    const rapidjson::Value* value = Find("kind");
    if (value != nullptr && value->IsString()) {
      std::string_view kind(value->GetString(), value->GetStringLength());
      for (size_t i = 0; i < N; ++i) {
        if (kind == names[i]) return i;
      }
    }
    ok = false;
    return 0;
  }

  bool ok = true;

 private:
  const rapidjson::Value& object_;
};

std::optional<std::vector<Inline>> ReadInlines(const rapidjson::Value* json) {
  std::vector<Inline> inlines;
  if (json == nullptr) return inlines;
  if (!json->IsArray()) return std::nullopt;
  for (const rapidjson::Value& item : json->GetArray()) {
    if (!item.IsObject()) return std::nullopt;
    Fields fields(item);
    Inline span;
    span.kind = static_cast<Inline::Kind>(fields.Kind(kInlineKinds));
    fields.String("text", span.text);
    fields.String("target", span.target);
    long long marks = 0;
    fields.Int("marks", 0, kAllMarks, marks);
    span.marks = static_cast<unsigned>(marks);
    if (!fields.ok) return std::nullopt;
    inlines.push_back(std::move(span));
  }
  return inlines;
}

std::optional<Block> ReadBlock(const rapidjson::Value& json) {
  if (!json.IsObject()) return std::nullopt;
  Fields fields(json);
  Block block;
  block.kind = static_cast<Block::Kind>(fields.Kind(kBlockKinds));
  fields.String("verbatim", block.verbatim);
  long long level = 0;
  fields.Int("level", 0, kMaxLevel, level);
  block.level = static_cast<int>(level);
  if (const rapidjson::Value* header = fields.Find("header")) {
    if (!header->IsBool()) return std::nullopt;
    block.header = header->GetBool();
  }
  auto inlines = ReadInlines(fields.Find("inlines"));
  if (!fields.ok || !inlines) return std::nullopt;
  block.inlines = std::move(*inlines);
  if (const rapidjson::Value* cells = fields.Find("cells")) {
    if (!cells->IsArray()) return std::nullopt;
    for (const rapidjson::Value& cell : cells->GetArray()) {
      auto cell_inlines = ReadInlines(&cell);
      if (!cell_inlines) return std::nullopt;
      block.cells.push_back(std::move(*cell_inlines));
    }
  }
  return block;
}

}  // namespace

std::string RichTextToJson(const bridge::RichText& text) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("blocks");
  writer.StartArray();
  for (const Block& block : text.blocks) WriteBlock(writer, block);
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<bridge::RichText> RichTextFromJson(const rapidjson::Value& json) {
  if (!json.IsObject()) return std::nullopt;
  auto blocks = json.FindMember("blocks");
  if (blocks == json.MemberEnd() || !blocks->value.IsArray()) return std::nullopt;
  bridge::RichText text;
  for (const rapidjson::Value& item : blocks->value.GetArray()) {
    auto block = ReadBlock(item);
    if (!block) return std::nullopt;
    text.blocks.push_back(std::move(*block));
  }
  return text;
}

std::optional<bridge::RichText> RichTextFromJson(std::string_view json) {
  rapidjson::Document document;
  if (!json::Parse(json, document).empty()) return std::nullopt;
  return RichTextFromJson(static_cast<const rapidjson::Value&>(document));
}

}  // namespace app
