// RichText through JSON and back, as actions are stored in the outbox.
#include "app/rich_text_json.h"

#include <string>

#include <catch2/catch.hpp>

using namespace bridge;

namespace {

RichText Sample() {
  RichText text;
  text.blocks.push_back(Paragraph({Text("Hi \"there\" \xC3\xA9", kBold | kItalic), UserMention("U1", "Ada"), LineBreak(),
                                   Link("https://x.test/?a=1&b=2", "the page"), Inline{Inline::Kind::kChannel, "general", "C1", kNoMark},
                                   Inline{Inline::Kind::kBroadcast, "here", "here", kStrike}}));
  text.blocks.push_back(Block{});
  Block heading = Paragraph({Text("Title", kCode)});
  heading.kind = Block::Kind::kHeading;
  heading.level = 2;
  text.blocks.push_back(heading);
  Block code;
  code.kind = Block::Kind::kCode;
  code.verbatim = "line 1\n  {noformat} <b>\n";
  text.blocks.push_back(code);
  Block row;
  row.kind = Block::Kind::kTableRow;
  row.header = true;
  row.cells = {{Text("a")}, {}, {UserMention("U2")}};
  text.blocks.push_back(row);
  Block item = Paragraph({Text("nested")});
  item.kind = Block::Kind::kNumberedItem;
  item.level = 3;
  text.blocks.push_back(item);
  text.blocks.push_back(Rule());
  return text;
}

}  // namespace

TEST_CASE("rich text survives the round trip through JSON", "[rich_text_json]") {
  RichText text = Sample();
  std::string json = app::RichTextToJson(text);
  auto back = app::RichTextFromJson(json);
  REQUIRE(back);
  CHECK(*back == text);
  CHECK(app::RichTextToJson(*back) == json);
}

TEST_CASE("the JSON is compact and leaves defaults out", "[rich_text_json]") {
  CHECK(app::RichTextToJson({}) == R"({"blocks":[]})");
  CHECK(app::RichTextToJson(RichText{{Paragraph({Text("hi", kBold)}), Block{}}}) ==
        R"({"blocks":[{"kind":"paragraph","inlines":[{"kind":"text","text":"hi","marks":1}]},{"kind":"paragraph"}]})");
  CHECK(app::RichTextToJson(RichText{{Paragraph({UserMention("U1")})}}) ==
        R"({"blocks":[{"kind":"paragraph","inlines":[{"kind":"user","target":"U1"}]}]})");
}

TEST_CASE("JSON of another shape is refused", "[rich_text_json]") {
  for (const char* json : {
           "", "[]", "\"x\"", "{}", R"({"blocks":{}})", R"({"blocks":[1]})", R"({"blocks":[{}]})",
           R"({"blocks":[{"kind":"poem"}]})", R"({"blocks":[{"kind":"paragraph","inlines":{}}]})",
           R"({"blocks":[{"kind":"paragraph","inlines":[{"kind":"text","text":5}]}]})",
           R"({"blocks":[{"kind":"paragraph","inlines":[{"kind":"text","marks":16}]}]})",
           R"({"blocks":[{"kind":"paragraph","inlines":[{"kind":"text","marks":-1}]}]})",
           R"({"blocks":[{"kind":"paragraph","inlines":[{"text":"no kind"}]}]})",
           R"({"blocks":[{"kind":"heading","level":1000}]})", R"({"blocks":[{"kind":"table_row","cells":[{}]}]})",
           R"({"blocks":[{"kind":"table_row","header":"yes"}]})", R"({"blocks":[{"kind":"code","verbatim":[]}]})",
           R"({"blocks":[]} trailing)"}) {
    INFO(json);
    CHECK_FALSE(app::RichTextFromJson(std::string(json)));
  }
  CHECK(app::RichTextFromJson(std::string(R"({"blocks":[],"future":1})")));
}

TEST_CASE("deeply nested JSON is refused without exhausting the stack", "[rich_text_json]") {
  std::string deep = R"({"blocks":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK_FALSE(app::RichTextFromJson(deep));
}
