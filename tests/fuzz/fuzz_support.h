// Shared by the libFuzzer targets in tests/fuzz: a check that stops the run
// with a message (libFuzzer saves the input as a crash), a reader that turns
// the fuzzer's bytes into values, and rich text built from bytes, so the
// renderers are fuzzed with every shape of input and not only what the
// parsers happen to produce.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bridge/rich_text.h"

// Aborts with what did not hold; an abort is a crash to libFuzzer and a
// failed test to the corpus replay (replay_main.cpp).
#define FUZZ_CHECK(condition, what)                                                         \
  do {                                                                                      \
    if (!(condition)) fuzz::Fail(__FILE__, __LINE__, #condition, what);                     \
  } while (0)

namespace fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition, std::string_view what) {
  std::fprintf(stderr, "%s:%d: property failed: %s: ", file, line, condition);
  std::fwrite(what.data(), 1, what.size(), stderr);  // may hold NULs
  std::fputc('\n', stderr);
  std::abort();
}

// The fuzzer's bytes, read front to back; past the end every read is 0 / "".
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return empty() ? 0 : data_[pos_++]; }
  // A string of up to 255 bytes, its length first.
  std::string String() {
    size_t length = Byte();
    length = std::min(length, size_ - pos_);
    std::string out(reinterpret_cast<const char*>(data_ + pos_), length);
    pos_ += length;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Any rich text a caller could build: every block and inline kind, marks,
// levels, texts and targets with any bytes. With `text_only`, what people
// type: paragraphs of plain one-line kText runs, and code blocks.
inline bridge::RichText RichTextFrom(Bytes& bytes, bool text_only) {
  using bridge::Block;
  using bridge::Inline;
  auto inlines = [&] {
    std::vector<Inline> out;
    for (int n = bytes.Byte() % 5; n > 0; --n) {
      Inline span;
      if (!text_only) {
        span.kind = static_cast<Inline::Kind>(bytes.Byte() % 6);
        span.marks = bytes.Byte() % 16;
        span.target = bytes.String();
      }
      span.text = bytes.String();
      // Typed text is one line: a line break is a kLineBreak or a new block.
      if (text_only) std::replace_if(span.text.begin(), span.text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
      out.push_back(std::move(span));
    }
    return out;
  };
  bridge::RichText text;
  while (!bytes.empty() && text.blocks.size() < 64) {
    Block block;
    if (text_only) {
      block.kind = bytes.Byte() % 4 == 0 ? Block::Kind::kCode : Block::Kind::kParagraph;
    } else {
      block.kind = static_cast<Block::Kind>(bytes.Byte() % 8);
      block.level = bytes.Byte() % 8;
      block.header = bytes.Byte() % 2 == 1;
    }
    switch (block.kind) {
      case Block::Kind::kCode:
        block.verbatim = bytes.String();
        break;
      case Block::Kind::kRule:
        break;
      case Block::Kind::kTableRow:
        for (int n = bytes.Byte() % 4; n > 0; --n) block.cells.push_back(inlines());
        break;
      default:
        block.inlines = inlines();
        break;
    }
    text.blocks.push_back(std::move(block));
  }
  return text;
}

// How many inlines of `kind` `text` holds, in blocks and in table cells.
inline size_t CountInlines(const bridge::RichText& text, bridge::Inline::Kind kind) {
  size_t count = 0;
  auto add = [&](const std::vector<bridge::Inline>& inlines) {
    for (const bridge::Inline& span : inlines) count += span.kind == kind ? 1 : 0;
  };
  for (const bridge::Block& block : text.blocks) {
    add(block.inlines);
    for (const auto& cell : block.cells) add(cell);
  }
  return count;
}

// `text` without anything but ASCII letters and digits: what must survive
// any escaping, markup and separators a renderer adds.
inline std::string LettersAndDigits(std::string_view text) {
  std::string out;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) out += c;
  }
  return out;
}

// The total size of everything `text` says (texts, targets, verbatim).
inline size_t ContentSize(const bridge::RichText& text) {
  size_t size = 0;
  auto add = [&](const std::vector<bridge::Inline>& inlines) {
    for (const bridge::Inline& span : inlines) size += span.text.size() + span.target.size() + 1;
  };
  for (const bridge::Block& block : text.blocks) {
    size += block.verbatim.size() + 1;
    add(block.inlines);
    for (const auto& cell : block.cells) add(cell);
  }
  return size;
}

}  // namespace fuzz
