#include "util/json_util.h"

#include <fmt/format.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace json {
namespace {

// Feeds `text` to `handler` as RapidJSON's iterative reader (no recursion,
// whatever the nesting) reads it; the one way this file reads text.
template <class Handler>
rapidjson::ParseResult Read(std::string_view text, Handler& handler) {
  rapidjson::MemoryStream memory(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> input(memory);
  rapidjson::Reader reader;
  return reader.Parse<rapidjson::kParseIterativeFlag>(input, handler);
}

// Builds the document as the reader goes, as Document::Parse would, and
// stops the reader at the first array or object past `max_depth`: a deep
// document never becomes a value that Serialize or a destructor would walk
// recursively, and the text is read once (no count before the parse).
class DepthBoundBuilder {
 public:
  DepthBoundBuilder(rapidjson::Document& doc, int max_depth) : doc_(doc), max_depth_(max_depth) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool copy) {
    return doc_.RawNumber(text, length, copy);
  }
  bool String(const char* text, rapidjson::SizeType length, bool copy) { return doc_.String(text, length, copy); }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) { return doc_.Key(text, length, copy); }
  bool StartObject() { return Open() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }
  bool StartArray() { return Open() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }

  bool too_deep() const { return too_deep_; }

 private:
  bool Open() {
    too_deep_ = ++depth_ > max_depth_;
    return !too_deep_;
  }

  rapidjson::Document& doc_;
  const int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
};

// SAX handler for FindTopLevelString: stops the reader (returns false) once
// it has the member, or at a root that is not an object, or too deep.
class TopLevelStringFinder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TopLevelStringFinder> {
 public:
  TopLevelStringFinder(std::string_view key, std::string* value) : key_(key), value_(value) {}

  bool Default() {  // every scalar but a string
    at_key_ = false;
    return depth_ > 0;
  }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    if (at_key_) {
      value_->assign(text, length);
      found_ = true;
      return false;
    }
    return depth_ > 0;
  }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    at_key_ = depth_ == 1 && std::string_view(text, length) == key_;
    return true;
  }
  bool StartObject() {
    if (depth_ == 0) root_is_object_ = true;
    return Open();
  }
  bool StartArray() { return depth_ > 0 && Open(); }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return true;
  }

  bool found() const { return found_; }
  bool root_is_object() const { return root_is_object_; }

 private:
  bool Open() {
    at_key_ = false;
    return ++depth_ <= kMaxDepth;
  }

  std::string_view key_;
  std::string* value_;
  int depth_ = 0;
  bool at_key_ = false;
  bool found_ = false;
  bool root_is_object_ = false;
};

}  // namespace

std::string Parse(std::string_view text, rapidjson::Document& doc, int max_depth) {
  doc.SetNull();
  DepthBoundBuilder builder(doc, max_depth);
  rapidjson::ParseResult result;
  auto build = [&](rapidjson::Document&) {
    result = Read(text, builder);
    return !result.IsError();
  };
  doc.Populate(build);  // the root becomes `doc` only when the whole text was read
  if (!result.IsError()) return {};
  if (builder.too_deep()) return fmt::format("nested deeper than {} levels", max_depth);
  return fmt::format("not valid JSON ({}) at offset {}", rapidjson::GetParseError_En(result.Code()), result.Offset());
}

bool FindTopLevelString(std::string_view text, std::string_view key, std::string* value) {
  value->clear();
  TopLevelStringFinder finder(key, value);
  bool complete = !Read(text, finder).IsError();
  return finder.found() || (complete && finder.root_is_object());
}

std::string GetString(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

long long GetInt(const rapidjson::Value& object, const char* key, long long fallback) {
  if (!object.IsObject()) return fallback;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsInt64()) return fallback;
  return it->value.GetInt64();
}

bool GetBool(const rapidjson::Value& object, const char* key, bool fallback) {
  if (!object.IsObject()) return fallback;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsBool()) return fallback;
  return it->value.GetBool();
}

const rapidjson::Value* GetObject(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

const rapidjson::Value* GetArray(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Quote(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace json
