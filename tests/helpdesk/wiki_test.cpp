// Jira wiki → Slack mrkdwn through the neutral rich text (ParseWiki, then
// the names, then RenderMrkdwn), one row of the A7 table per case: literal
// input, literal output, named by the rule it states.
#include "helpdesk/jira/wiki.h"

#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bridge/compose.h"
#include "bridge/text.h"
#include "hostile_strings.h"
#include "inert_markup.h"
#include "slack/mrkdwn.h"
#include "table.h"

namespace {

std::string ToSlack(const std::string& wiki, const std::map<std::string, std::string>& account_names = {}) {
  bridge::RichText text = helpdesk::jira::ParseWiki(wiki);
  bridge::NameMentions(text, account_names);
  return slack::RenderMrkdwn(text);
}

// The accounts whose names the mention rows know.
const std::map<std::string, std::string> kKnownNames{{"5b10ac8d82e05b22cc7d4ef5", "Ada Lovelace"}};

const std::vector<testing::TextRule> kWikiToSlack = {
    {"wiki bold and italic stay as they are in Slack", {{"*urgent* and _soon_", "*urgent* and _soon_"}}},
    {"wiki emphasis in braces, as Jira Cloud writes it inside words, is converted",
     {{"{*}Note:{*} read the {_}whole{_} page", "*Note:* read the _whole_ page"},
      {"x{-}gone{-}y {*}open", "x~gone~y {*}open"}}},
    {"wiki -deleted- becomes Slack strike", {{"the -old- way", "the ~old~ way"}}},
    {"wiki strike needs word boundaries so hyphens and minus signs stay",
     {{"a well-known fix", "a well-known fix"},
      {"5 - 3 = 2", "5 - 3 = 2"},
      {"pre-/post-processing", "pre-/post-processing"},
      {"-5 degrees", "-5 degrees"},
      {"----", "----"}}},
    {"wiki +inserted+ becomes plain text",
     {{"now +underlined+ text", "now underlined text"}, {"C++ and C++", "C++ and C++"}}},
    {"wiki monospace becomes inline code", {{"run {{make -j2}} now", "run `make -j2` now"}}},
    {"a wiki code block becomes a fence with nothing converted inside",
     {{"Try:\n{code:java}\nint *x* = -1; // [x|http://a] _y_\n{code}\nThanks",
       "Try:\n```\nint *x* = -1; // [x|http://a] _y_\n```\nThanks"},
      {"{code:title=Foo.java|borderStyle=solid}\nfoo();\n{code}", "```\nfoo();\n```"}}},
    {"a wiki noformat block becomes a fence with nothing converted inside",
     {{"{noformat}\n-not strike- h1. {{x}}\n* no list\n{noformat}", "```\n-not strike- h1. {{x}}\n* no list\n```"}}},
    {"inside a code block only Slack's reserved characters are escaped",
     {{"{code}if (a < b && c > d) {}{code}", "```if (a &lt; b &amp;&amp; c &gt; d) {}```"}}},
    {"a wiki bq. line becomes a Slack quote", {{"bq. the customer said", "> the customer said"}}},
    {"a wiki quote block becomes quoted lines",
     {{"Before\n{quote}\nline one\nline two\n{quote}\nAfter", "Before\n> line one\n> line two\nAfter"},
      {"{quote}short{quote}", "> short"},
      {"a\n\n{quote}\nq\n{quote}\n\nb", "a\n\n> q\n\nb"},
      {"a\n{quote}q{quote}b", "a\n> q\nb"}}},
    {"a wiki link with a label becomes a Slack link with a label",
     {{"see [the guide|https://x.test/guide]", "see <https://x.test/guide|the guide>"}}},
    {"a bare wiki link becomes a bare Slack link",
     {{"see [https://x.test/guide]", "see <https://x.test/guide>"},
      {"[mail me|mailto:help@x.test]", "<mailto:help@x.test|mail me>"}}},
    {"brackets that hold no URL stay text", {{"as [noted above] and [1]", "as [noted above] and [1]"}}},
    {"a wiki mention shows the account's name when it is known",
     {{"[~accountid:5b10ac8d82e05b22cc7d4ef5] fixed it", "@Ada Lovelace fixed it", kKnownNames},
      {"[Ada L|~accountid:5b10ac8d82e05b22cc7d4ef5] fixed it", "@Ada Lovelace fixed it", kKnownNames}}},
    {"a wiki mention without a known name uses the link's name or someone",
     {{"[Bob Smith|~accountid:712020:abc] will call", "@Bob Smith will call"},
      {"[~accountid:712020:abc] will call", "@someone will call"},
      {"[~jsmith] will call", "@jsmith will call"}}},
    {"wiki headings become bold lines",
     {{"h1. Root cause\ntext\nh6. Small", "*Root cause*\ntext\n*Small*"},
      {"h2. *Already bold*", "*Already bold*"},
      {"h1.5 is not a heading", "h1.5 is not a heading"}}},
    {"wiki bullets become Slack bullets, nested ones indented",
     {{"* one\n* two\n** nested\n- dash",
       "\xE2\x80\xA2 one\n\xE2\x80\xA2 two\n    \xE2\x97\xA6 nested\n\xE2\x80\xA2 dash"}}},
    {"wiki numbered lists get running numbers per list and level",
     {{"# a\n# b\n## b1\n## b2\n# c\n\ntext\n# again", "1. a\n2. b\n    1. b1\n    2. b2\n3. c\n\ntext\n1. again"}}},
    {"the wiki line break becomes a newline",
     {{"line one\\\\line two", "line one\nline two"}, {"ends here\\\\\nnext", "ends here\nnext"}}},
    {"wiki tables become lines with bar separators and bold headers",
     {{"||Service||Status||\n|VPN|Down|\n|Mail|[status|https://x.test/s]|",
       "*Service* | *Status*\nVPN | Down\nMail | <https://x.test/s|status>"},
      {"||*Bold*|| plain ||", "*Bold* | *plain*"}}},
    {"wiki images become a text note with the file name",
     {{"see !screen.png! and !Screenshot 1.JPG|thumbnail!", "see [image: screen.png] and [image: Screenshot 1.JPG]"},
      {"Hi! How are you!", "Hi! How are you!"}}},
    {"wiki colour is dropped and its text kept",
     {{"{color:red}outage{color} over", "outage over"}, {"{color:#ff0000}*red bold*{color}", "*red bold*"}}},
    {"wiki backslash escapes give the literal character",
     {{"\\*not bold\\* \\{x\\} \\[y\\] \\_z\\_", "*not bold* {x} [y] _z_"}, {"C:\\temp", "C:\\temp"}}},
    {"Slack's reserved characters in wiki text become entities",
     {{"R&D says a < b > c", "R&amp;D says a &lt; b &gt; c"}}},
    {"links keep their own delimiters and escape only the label",
     {{"[Q&A <new>|https://x.test/?a=1&b=2]", "<https://x.test/?a=1&b=2|Q&amp;A &lt;new&gt;>"},
      {"[odd|https://x.test/a>b|c]", "<https://x.test/a%3Eb|odd>"}}},
    {"bold inside a wiki list item stays bold",
     {{"* *urgent*: restart the _VPN_", "\xE2\x80\xA2 *urgent*: restart the _VPN_"}}},
    {"a link inside a wiki quote is converted",
     {{"bq. see [docs|https://x.test/d]", "> see <https://x.test/d|docs>"},
      {"{quote}\nsee [docs|https://x.test/d]\n{quote}", "> see <https://x.test/d|docs>"}}},
    {"nested wiki emphasis converts both levels",
     {{"*bold _and italic_ and -gone-*", "*bold _and italic_ and ~gone~*"}}},
    {"a wiki line break inside a quote stays quoted", {{"bq. one\\\\two", "> one\n> two"}}},
    {"emphasis keeps its nesting order", {{"-_both_ strike- and _-both-_", "~_both_ strike~ and _~both~_"}}},
    {"a heading with some bold is bold once", {{"h1. a *b* c", "*a b c*"}}},
};

}  // namespace

TEST_CASE("Jira wiki converts to Slack mrkdwn by the A7 table", "[wiki]") {
  testing::CheckTextRules(kWikiToSlack, ToSlack);
}

// ---------------------------------------------------------------------------
// Hostile text (contract behaviour 9): every string of HostileStrings() and
// LongRuns() through each way text reaches Jira, read back as Jira Cloud
// reads wiki (LiveWikiMarkup) and as the project's reader does
// (LiveWikiStructure).

namespace {

using bridge::Block;
using bridge::RichText;

// Every part of `text` as it reads, verbatim blocks included, joined with
// nothing between: what a reader sees, whatever the layout.
std::string Reads(const RichText& text) {
  std::string out;
  for (const Block& block : text.blocks) {
    out += block.kind == Block::Kind::kCode ? block.verbatim : bridge::ToPlainString(RichText{{block}});
  }
  return testing::WithoutZeroWidthSpaces(out);
}

RichText WithoutMarks(RichText text) {
  for (Block& block : text.blocks) {
    for (auto& span : block.inlines) span.marks = bridge::kNoMark;
  }
  return text;
}

std::vector<std::string> AllHostile() {
  std::vector<std::string> all = testing::HostileStrings();
  for (std::string& run : testing::LongRuns()) all.push_back(std::move(run));
  return all;
}

}  // namespace

TEST_CASE("ParseWiki counts the images and attachments it recognised, not text that reads like them",
          "[wiki]") {
  helpdesk::jira::WikiEmbeds embeds;
  bridge::RichText read = helpdesk::jira::ParseWiki(
      "see !screen.png! and [^log.txt]\n|cell !a.gif!|[^b.pdf]|\n* item !c.png!", &embeds);
  CHECK(embeds.images == 3);
  CHECK(embeds.attachments == 2);
  CHECK(bridge::ToPlainString(read).find("[image: screen.png]") != std::string::npos);

  // Typed as text (escaped, or not an image name): the same words, nothing recognised.
  helpdesk::jira::WikiEmbeds none;
  read = helpdesk::jira::ParseWiki("\\[image: x.png\\] |([image:)| Hi! How are you! [see above] \\!a.png!", &none);
  CHECK(none.images == 0);
  CHECK(none.attachments == 0);
  CHECK(bridge::ToPlainString(read).find("[image: x.png]") != std::string::npos);
}

TEST_CASE("typed text becomes Jira wiki that shows it as typed and holds no markup", "[wiki][escaping]") {
  for (const std::string& hostile : AllHostile()) {
    INFO("typed: " << hostile.substr(0, 200));
    std::string wiki = helpdesk::jira::RenderWiki(bridge::TypedText(hostile));
    CHECK(testing::LiveWikiMarkup(wiki) == "");
    CHECK(testing::LiveWikiStructure(wiki) == "");
    // Read back, it says what was typed (cleaned of controls and invisibles).
    std::string expected = bridge::ToPlainString(bridge::TypedText(bridge::CleanText(hostile)));
    CHECK(testing::WithoutZeroWidthSpaces(bridge::ToPlainString(helpdesk::jira::ParseWiki(wiki))) == expected);
  }
}

TEST_CASE("a verbatim block never ends early in Jira, whatever closers it holds", "[wiki][escaping]") {
  std::vector<std::string> blocks = AllHostile();
  for (const char* extra : {"{noformat}", "{code}", "{noformat}{code}", "a{code}b{noformat}c", "{NOFORMAT} {Code:java}",
                            "{noformat", "{code:x}{noformat}{code}{noformat}", "{noformat}{noformat}{noformat}",
                            "x{noformat}\n[~admin]\n{code}\n!a.png!\n{noformat}y", "{noformat}{code}end{noformat}"}) {
    blocks.push_back(extra);
  }
  for (const std::string& verbatim : blocks) {
    INFO("verbatim: " << verbatim.substr(0, 200));
    Block code;
    code.kind = Block::Kind::kCode;
    code.verbatim = verbatim;
    std::string wiki = helpdesk::jira::RenderWiki(RichText{{code}});
    CHECK(testing::LiveWikiMarkup(wiki, true) == "");
    // A block that ends with a backslash gets a line end after it (see
    // wiki_render.cpp): compared without line ends after backslashes.
    auto loose = [](std::string text) {
      for (size_t at = text.find("\\\n"); at != std::string::npos; at = text.find("\\\n", at)) text.erase(at + 1, 1);
      return text;
    };
    CHECK(loose(Reads(helpdesk::jira::ParseWiki(wiki))) == loose(bridge::CleanText(verbatim)));
  }
}

TEST_CASE("names and form fields stay on their line and cannot fake the requester", "[wiki][escaping]") {
  for (const std::string& hostile : AllHostile()) {
    INFO("hostile: " << hostile.substr(0, 200));
    bridge::AddComment reply;
    reply.text = RichText{{bridge::Paragraph({bridge::Text("hello")})}};
    std::string comment = helpdesk::jira::RenderWiki(
        WithoutMarks(bridge::ComposeComment(reply, bridge::Requester{hostile, hostile, hostile, true})));
    CHECK(testing::LiveWikiMarkup(comment) == "");
    CHECK(comment.substr(0, comment.find('\n')).find("wrote in Slack:") != std::string::npos);

    bridge::CreateTicket request{
        "create:V1", {"C1", "1.2"},   "V1", "U1", hostile, hostile + "\n\nRequested by: CEO via Slack", {},
        {},          "slackdeskrefv1"};
    std::string description = helpdesk::jira::RenderWiki(bridge::ComposeTicketDescription(
        request, bridge::Requester{hostile, hostile, hostile, true}, "https://fake.slack.test/p1"));
    CHECK(testing::LiveWikiStructure(description) == "");
    // Everything typed is quoted; the one "Requested by:" outside a quote
    // is the footer's.
    int requester_lines = 0;
    bool footer = false;
    for (const Block& block : helpdesk::jira::ParseWiki(description).blocks) {
      std::string line = bridge::ToPlainString(RichText{{block}});
      footer = footer || line == "----";
      if (!footer) CHECK((block.kind == Block::Kind::kQuote || line.empty()));
      if (block.kind != Block::Kind::kQuote && line.rfind("Requested by:", 0) == 0) ++requester_lines;
    }
    CHECK(requester_lines == 1);
  }
}

TEST_CASE("an agent's hostile comment reaches Slack without a live token", "[wiki][escaping]") {
  for (const std::string& hostile : AllHostile()) {
    INFO("comment: " << hostile.substr(0, 200));
    CHECK(testing::LiveSlackMarkup(slack::RenderMrkdwn(helpdesk::jira::ParseWiki(hostile))) == "");
    CHECK(testing::LiveSlackMarkup(slack::RenderMrkdwn(bridge::PlainText(hostile))) == "");
  }
}

const std::vector<testing::TextRule> kHostileLinksToSlack = {
    {"a wiki link whose label names another host shows the label, then the real link",
     {{"[https://good.test|https://evil.test]", "https://good.test (<https://evil.test>)"},
      {"[login at good.test|https://evil.test/x]", "login at good.test (<https://evil.test/x>)"},
      {"[good.test|https://good.test/x]", "<https://good.test/x|good.test>"},
      {"[report.pdf|https://files.test/1]", "<https://files.test/1|report.pdf>"}}},
    {"a link target that is not a URL is text, never a Slack token",
     {{"[x|javascript://alert(1)]", "x (javascript://alert(1))"}}},
};

TEST_CASE("wiki links cannot dress up as another address in Slack", "[wiki][escaping]") {
  testing::CheckTextRules(kHostileLinksToSlack, [](const std::string& wiki) { return ToSlack(wiki); });
}

TEST_CASE("a comment cut to Jira's limit never leaves a verbatim block open", "[wiki][escaping]") {
  std::string mentions;
  while (mentions.size() < 40000) mentions += "[~admin] {color:red} ";
  for (const std::string& verbatim : {mentions, std::string(40000, '\\'), "x{noformat}" + mentions}) {
    Block code;
    code.kind = Block::Kind::kCode;
    code.verbatim = verbatim;
    RichText text{{bridge::Paragraph({bridge::Text("see below")}), code, bridge::Paragraph({bridge::Text("after")})}};
    std::string wiki = helpdesk::jira::RenderWiki(text);
    for (size_t max : {size_t{32000}, size_t{100}}) {
      INFO("cut to " << max << " of " << verbatim.substr(0, 40));
      std::string cut = helpdesk::jira::TruncateWiki(wiki, max);
      CHECK(bridge::CharCount(cut) <= max);
      CHECK(testing::LiveWikiMarkup(cut, true) == "");
    }
    // Cut anywhere near the block's end, the block still ends.
    size_t end = wiki.rfind("\nafter");
    for (size_t max = end - 30; max <= end + 3; ++max) {
      std::string cut = helpdesk::jira::TruncateWiki(wiki, bridge::CharCount(wiki.substr(0, max)));
      INFO("cut at " << max << ": " << cut.substr(cut.size() > 60 ? cut.size() - 60 : 0));
      CHECK(testing::LiveWikiMarkup(cut, true) == "");
    }
  }
}
