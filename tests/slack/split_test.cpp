// Splitting long mrkdwn into section-sized chunks: literal input, literal
// output.
#include "slack/split.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bridge/text.h"
#include "util/strings.h"

using bridge::CharCount;
using slack::SplitForSlack;
using util::EndsWith;
using util::StartsWith;

namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

}  // namespace

TEST_CASE("blank text gives no chunks", "[split]") {
  CHECK(SplitForSlack("", 3000).empty());
  CHECK(SplitForSlack(" \n\n ", 3000).empty());
}

TEST_CASE("short text is one chunk", "[split]") {
  CHECK(SplitForSlack("hello *world*", 3000) == std::vector<std::string>{"hello *world*"});
}

TEST_CASE("long text splits at a paragraph break", "[split]") {
  std::string first(2000, 'a');
  std::string second(2000, 'b');
  CHECK(SplitForSlack(first + " x\n\n" + second, 3000) == std::vector<std::string>{first + " x", second});
}

TEST_CASE("without a paragraph break the split prefers a line break to a space", "[split]") {
  std::string text = std::string(1600, 'x') + " " + std::string(600, 'y') + "\n" + std::string(1000, 'z');
  CHECK(SplitForSlack(text, 3000) ==
        std::vector<std::string>{std::string(1600, 'x') + " " + std::string(600, 'y'), std::string(1000, 'z')});
}

TEST_CASE("a long code block is split into balanced fences", "[split]") {
  std::string code;
  std::vector<std::string> lines;
  for (int i = 0; code.size() < 10000; ++i) {
    std::string line = "line " + std::to_string(i) + " " + std::string(90, 'c');
    lines.push_back(line);
    code += line + "\n";
  }
  std::string text = "Output:\n```\n" + code + "```\nDone";
  auto chunks = SplitForSlack(text, 3000);
  REQUIRE(chunks.size() >= 4);
  std::vector<std::string> seen;
  for (size_t i = 0; i < chunks.size(); ++i) {
    INFO("chunk " << i);
    CHECK(CharCount(chunks[i]) <= 3000);
    CHECK(Count(chunks[i], "```") == 2);
    if (i > 0) CHECK(StartsWith(chunks[i], "```"));
    if (i + 1 < chunks.size()) CHECK(EndsWith(chunks[i], "```"));
    size_t open = chunks[i].find("```");
    size_t close = chunks[i].rfind("```");
    std::string inner = chunks[i].substr(open + 3, close - open - 3);
    size_t start = 0;
    for (size_t nl = inner.find('\n'); start <= inner.size(); nl = inner.find('\n', start)) {
      std::string line = inner.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (!line.empty()) seen.push_back(line);
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  CHECK(seen == lines);
  CHECK(StartsWith(chunks.front(), "Output:\n```"));
  CHECK(EndsWith(chunks.back(), "```\nDone"));
}

TEST_CASE("a code block with one huge line is cut hard and stays fenced", "[split]") {
  std::string text = "```" + std::string(7000, 'q') + "```";
  auto chunks = SplitForSlack(text, 3000);
  REQUIRE(chunks.size() == 3);
  std::string joined;
  for (const auto& chunk : chunks) {
    CHECK(CharCount(chunk) <= 3000);
    REQUIRE(StartsWith(chunk, "```"));
    REQUIRE(EndsWith(chunk, "```"));
    joined += chunk.substr(3, chunk.size() - 6);
  }
  CHECK(joined == std::string(7000, 'q'));
}

TEST_CASE("a split never cuts a multi-byte character", "[split]") {
  std::string e_acute = "\xC3\xA9";
  std::string text;
  for (int i = 0; i < 3001; ++i) text += e_acute;
  auto chunks = SplitForSlack(text, 3000);
  REQUIRE(chunks.size() == 2);
  CHECK(CharCount(chunks[0]) == 3000);
  CHECK(chunks[1] == e_acute);
  std::string emoji = "a";
  for (int i = 0; i < 3000; ++i) emoji += "\xF0\x9F\x98\x80";  // 😀
  auto emoji_chunks = SplitForSlack(emoji, 3000);
  REQUIRE(emoji_chunks.size() == 2);
  CHECK(emoji_chunks[0].size() == 1 + 2999 * 4);
  CHECK(emoji_chunks[1] == "\xF0\x9F\x98\x80");
}

TEST_CASE("a split never cuts a link token or an entity", "[split]") {
  std::string token = "<https://x.test/a/very/long/path|the docs>";
  auto chunks = SplitForSlack(std::string(2990, 'a') + token + " tail", 3000);
  CHECK(chunks == std::vector<std::string>{std::string(2990, 'a'), token + " tail"});
  auto entity_chunks = SplitForSlack(std::string(2998, 'a') + "&amp;b", 3000);
  CHECK(entity_chunks == std::vector<std::string>{std::string(2998, 'a'), "&amp;b"});
}

TEST_CASE("a tiny limit still cuts by characters", "[split]") {
  CHECK(SplitForSlack("abcdefghij", 4) == std::vector<std::string>{"abcd", "efgh", "ij"});
}

