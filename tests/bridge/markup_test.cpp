// Comment bodies between Jira wiki markup and Slack mrkdwn, and the split of
// long mrkdwn into section-sized chunks: literal input, literal output.
#include "bridge/markup.h"

#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bridge/text.h"

using namespace bridge;

namespace {

const std::map<std::string, std::string> kNoNames;

std::string ToSlack(const std::string& wiki) { return WikiToMrkdwn(wiki, kNoNames); }
std::string ToWiki(const std::string& mrkdwn) { return MrkdwnToWiki(mrkdwn, kNoNames); }

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

bool StartsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

// ---------------------------------------------------------------------------
// Jira wiki → Slack mrkdwn, one row of the A7 table per case

TEST_CASE("wiki bold and italic stay as they are in Slack", "[markup]") {
  CHECK(ToSlack("*urgent* and _soon_") == "*urgent* and _soon_");
}

TEST_CASE("wiki emphasis in braces, as Jira Cloud writes it inside words, is converted", "[markup]") {
  CHECK(ToSlack("{*}Note:{*} read the {_}whole{_} page") == "*Note:* read the _whole_ page");
  CHECK(ToSlack("x{-}gone{-}y {*}open") == "x~gone~y {*}open");
}

TEST_CASE("wiki -deleted- becomes Slack strike", "[markup]") { CHECK(ToSlack("the -old- way") == "the ~old~ way"); }

TEST_CASE("wiki strike needs word boundaries so hyphens and minus signs stay", "[markup]") {
  CHECK(ToSlack("a well-known fix") == "a well-known fix");
  CHECK(ToSlack("5 - 3 = 2") == "5 - 3 = 2");
  CHECK(ToSlack("pre-/post-processing") == "pre-/post-processing");
  CHECK(ToSlack("-5 degrees") == "-5 degrees");
  CHECK(ToSlack("----") == "----");
}

TEST_CASE("wiki +inserted+ becomes plain text", "[markup]") {
  CHECK(ToSlack("now +underlined+ text") == "now underlined text");
  CHECK(ToSlack("C++ and C++") == "C++ and C++");
}

TEST_CASE("wiki monospace becomes inline code", "[markup]") {
  CHECK(ToSlack("run {{make -j2}} now") == "run `make -j2` now");
}

TEST_CASE("a wiki code block becomes a fence with nothing converted inside", "[markup]") {
  CHECK(ToSlack("Try:\n{code:java}\nint *x* = -1; // [x|http://a] _y_\n{code}\nThanks") ==
        "Try:\n```\nint *x* = -1; // [x|http://a] _y_\n```\nThanks");
  CHECK(ToSlack("{code:title=Foo.java|borderStyle=solid}\nfoo();\n{code}") == "```\nfoo();\n```");
}

TEST_CASE("a wiki noformat block becomes a fence with nothing converted inside", "[markup]") {
  CHECK(ToSlack("{noformat}\n-not strike- h1. {{x}}\n* no list\n{noformat}") ==
        "```\n-not strike- h1. {{x}}\n* no list\n```");
}

TEST_CASE("inside a code block only Slack's reserved characters are escaped", "[markup]") {
  CHECK(ToSlack("{code}if (a < b && c > d) {}{code}") == "```if (a &lt; b &amp;&amp; c &gt; d) {}```");
}

TEST_CASE("a wiki bq. line becomes a Slack quote", "[markup]") {
  CHECK(ToSlack("bq. the customer said") == "> the customer said");
}

TEST_CASE("a wiki quote block becomes quoted lines", "[markup]") {
  CHECK(ToSlack("Before\n{quote}\nline one\nline two\n{quote}\nAfter") == "Before\n> line one\n> line two\nAfter");
  CHECK(ToSlack("{quote}short{quote}") == "> short");
  CHECK(ToSlack("a\n\n{quote}\nq\n{quote}\n\nb") == "a\n\n> q\n\nb");
  CHECK(ToSlack("a\n{quote}q{quote}b") == "a\n> q\nb");
}

TEST_CASE("a wiki link with a label becomes a Slack link with a label", "[markup]") {
  CHECK(ToSlack("see [the guide|https://x.test/guide]") == "see <https://x.test/guide|the guide>");
}

TEST_CASE("a bare wiki link becomes a bare Slack link", "[markup]") {
  CHECK(ToSlack("see [https://x.test/guide]") == "see <https://x.test/guide>");
  CHECK(ToSlack("[mail me|mailto:help@x.test]") == "<mailto:help@x.test|mail me>");
}

TEST_CASE("brackets that hold no URL stay text", "[markup]") {
  CHECK(ToSlack("as [noted above] and [1]") == "as [noted above] and [1]");
}

TEST_CASE("a wiki mention shows the account's name when it is known", "[markup]") {
  std::map<std::string, std::string> names{{"5b10ac8d82e05b22cc7d4ef5", "Ada Lovelace"}};
  CHECK(WikiToMrkdwn("[~accountid:5b10ac8d82e05b22cc7d4ef5] fixed it", names) == "@Ada Lovelace fixed it");
  CHECK(WikiToMrkdwn("[Ada L|~accountid:5b10ac8d82e05b22cc7d4ef5] fixed it", names) == "@Ada Lovelace fixed it");
}

TEST_CASE("a wiki mention without a known name uses the link's name or someone", "[markup]") {
  CHECK(ToSlack("[Bob Smith|~accountid:712020:abc] will call") == "@Bob Smith will call");
  CHECK(ToSlack("[~accountid:712020:abc] will call") == "@someone will call");
  CHECK(ToSlack("[~jsmith] will call") == "@jsmith will call");
}

TEST_CASE("wiki headings become bold lines", "[markup]") {
  CHECK(ToSlack("h1. Root cause\ntext\nh6. Small") == "*Root cause*\ntext\n*Small*");
  CHECK(ToSlack("h2. *Already bold*") == "*Already bold*");
  CHECK(ToSlack("h1.5 is not a heading") == "h1.5 is not a heading");
}

TEST_CASE("wiki bullets become Slack bullets, nested ones indented", "[markup]") {
  CHECK(ToSlack("* one\n* two\n** nested\n- dash") ==
        "\xE2\x80\xA2 one\n\xE2\x80\xA2 two\n    \xE2\x97\xA6 nested\n\xE2\x80\xA2 dash");
}

TEST_CASE("wiki numbered lists get running numbers per list and level", "[markup]") {
  CHECK(ToSlack("# a\n# b\n## b1\n## b2\n# c\n\ntext\n# again") ==
        "1. a\n2. b\n    1. b1\n    2. b2\n3. c\n\ntext\n1. again");
}

TEST_CASE("the wiki line break becomes a newline", "[markup]") {
  CHECK(ToSlack("line one\\\\line two") == "line one\nline two");
  CHECK(ToSlack("ends here\\\\\nnext") == "ends here\nnext");
}

TEST_CASE("wiki tables become lines with bar separators and bold headers", "[markup]") {
  CHECK(ToSlack("||Service||Status||\n|VPN|Down|\n|Mail|[status|https://x.test/s]|") ==
        "*Service* | *Status*\nVPN | Down\nMail | <https://x.test/s|status>");
  CHECK(ToSlack("||*Bold*|| plain ||") == "*Bold* | *plain*");
}

TEST_CASE("wiki images become a text note with the file name", "[markup]") {
  CHECK(ToSlack("see !screen.png! and !Screenshot 1.JPG|thumbnail!") ==
        "see [image: screen.png] and [image: Screenshot 1.JPG]");
  CHECK(ToSlack("Hi! How are you!") == "Hi! How are you!");
}

TEST_CASE("wiki colour is dropped and its text kept", "[markup]") {
  CHECK(ToSlack("{color:red}outage{color} over") == "outage over");
  CHECK(ToSlack("{color:#ff0000}*red bold*{color}") == "*red bold*");
}

TEST_CASE("wiki backslash escapes give the literal character", "[markup]") {
  CHECK(ToSlack("\\*not bold\\* \\{x\\} \\[y\\] \\_z\\_") == "*not bold* {x} [y] _z_");
  CHECK(ToSlack("C:\\temp") == "C:\\temp");
}

TEST_CASE("Slack's reserved characters in wiki text become entities", "[markup]") {
  CHECK(ToSlack("R&D says a < b > c") == "R&amp;D says a &lt; b &gt; c");
}

TEST_CASE("links keep their own delimiters and escape only the label", "[markup]") {
  CHECK(ToSlack("[Q&A <new>|https://x.test/?a=1&b=2]") == "<https://x.test/?a=1&b=2|Q&amp;A &lt;new&gt;>");
  CHECK(ToSlack("[odd|https://x.test/a>b|c]") == "<https://x.test/a%3Eb|odd>");
}

TEST_CASE("bold inside a wiki list item stays bold", "[markup]") {
  CHECK(ToSlack("* *urgent*: restart the _VPN_") == "\xE2\x80\xA2 *urgent*: restart the _VPN_");
}

TEST_CASE("a link inside a wiki quote is converted", "[markup]") {
  CHECK(ToSlack("bq. see [docs|https://x.test/d]") == "> see <https://x.test/d|docs>");
  CHECK(ToSlack("{quote}\nsee [docs|https://x.test/d]\n{quote}") == "> see <https://x.test/d|docs>");
}

TEST_CASE("nested wiki emphasis converts both levels", "[markup]") {
  CHECK(ToSlack("*bold _and italic_ and -gone-*") == "*bold _and italic_ and ~gone~*");
}

TEST_CASE("a wiki line break inside a quote stays quoted", "[markup]") {
  CHECK(ToSlack("bq. one\\\\two") == "> one\n> two");
}

// ---------------------------------------------------------------------------
// Slack mrkdwn → Jira wiki, one row of the A7 table per case

TEST_CASE("Slack bold and italic stay as they are in wiki", "[markup]") {
  CHECK(ToWiki("*urgent* and _soon_") == "*urgent* and _soon_");
}

TEST_CASE("Slack strike becomes wiki -deleted-", "[markup]") { CHECK(ToWiki("the ~old~ way") == "the -old- way"); }

TEST_CASE("Slack inline code becomes wiki monospace", "[markup]") {
  CHECK(ToWiki("run `make -j2` now") == "run {{make \\-j2}} now");
  CHECK(ToWiki("`ls`") == "{{ls}}");
}

TEST_CASE("a Slack code block becomes noformat with nothing converted inside", "[markup]") {
  CHECK(ToWiki("Log:\n```\nSELECT * FROM t WHERE a &lt; 3; -- [x] *y* ~z~\n```\nThanks") ==
        "Log:\n{noformat}\nSELECT * FROM t WHERE a < 3; -- [x] *y* ~z~\n{noformat}\nThanks");
}

TEST_CASE("a Slack code block holding noformat becomes a code macro", "[markup]") {
  CHECK(ToWiki("```{noformat}```") == "{code}{noformat}{code}");
}

TEST_CASE("Slack quotes become bq. lines", "[markup]") {
  CHECK(ToWiki("&gt; the error says\n&gt; disk full") == "bq. the error says\nbq. disk full");
  CHECK(ToWiki("> typed by hand") == "bq. typed by hand");
}

TEST_CASE("a Slack link with a label becomes a wiki link with a label", "[markup]") {
  CHECK(ToWiki("see <https://x.test/a?b=1&amp;c=2|the page>") == "see [the page|https://x.test/a?b=1&c=2]");
}

TEST_CASE("a bare Slack link becomes a bare wiki link", "[markup]") {
  CHECK(ToWiki("see <https://x.test/a>") == "see [https://x.test/a]");
}

TEST_CASE("a Slack mailto link keeps its address as the label", "[markup]") {
  CHECK(ToWiki("write <mailto:a@b.test|a@b.test>") == "write [a@b.test|mailto:a@b.test]");
}

TEST_CASE("Slack user mentions become names, or the id when unknown", "[markup]") {
  std::map<std::string, std::string> names{{"U1", "Ada Lovelace"}};
  CHECK(MrkdwnToWiki("<@U1> and <@U2> agree", names) == "@Ada Lovelace and @U2 agree");
}

TEST_CASE("Slack channels and broadcasts become text", "[markup]") {
  CHECK(ToWiki("in <#C1|general> cc <!here> <!channel>") == "in #general cc @here @channel");
}

TEST_CASE("Slack entities are decoded for Jira", "[markup]") {
  CHECK(ToWiki("R&amp;D says a &lt; b &gt; c") == "R&D says a < b > c");
}

TEST_CASE("Slack bullets become wiki bullets, nested ones deeper", "[markup]") {
  CHECK(ToWiki("\xE2\x80\xA2 one\n- two\n    \xE2\x97\xA6 nested") == "* one\n* two\n** nested");
}

TEST_CASE("wiki characters the customer typed are escaped", "[markup]") {
  CHECK(ToWiki("use {braces} and [brackets] or a|b, wow!nice") ==
        "use \\{braces\\} and \\[brackets\\] or a\\|b, wow\\!nice");
  CHECK(ToWiki("Thanks! It works!") == "Thanks! It works!");
}

TEST_CASE("list and heading starts the customer typed are escaped", "[markup]") {
  CHECK(ToWiki("# not a list") == "\\# not a list");
  CHECK(ToWiki("* not a list") == "\\* not a list");
  CHECK(ToWiki("h1. not a heading") == "h1\\. not a heading");
  CHECK(ToWiki("bq. not a quote") == "bq\\. not a quote");
  CHECK(ToWiki("issue #4 again") == "issue #4 again");
}

TEST_CASE("Slack text keeps hyphens and minus signs without escapes", "[markup]") {
  CHECK(ToWiki("a well-known fix, 5 - 3, snake_case, 2*3*4") == "a well-known fix, 5 - 3, snake_case, 2*3*4");
}

TEST_CASE("a marker Jira would read as emphasis is escaped", "[markup]") {
  CHECK(ToWiki("-5 degrees and +1 from me") == "\\-5 degrees and \\+1 from me");
  CHECK(ToWiki("*not closed") == "\\*not closed");
}

TEST_CASE("bold inside a Slack bullet stays bold", "[markup]") {
  CHECK(ToWiki("\xE2\x80\xA2 *urgent*: restart the _VPN_") == "* *urgent*: restart the _VPN_");
}

TEST_CASE("a link inside a Slack quote is converted", "[markup]") {
  CHECK(ToWiki("&gt; see <https://x.test/d|docs>") == "bq. see [docs|https://x.test/d]");
}

TEST_CASE("names and labels with wiki characters are escaped", "[markup]") {
  std::map<std::string, std::string> names{{"U1", "Bot [ext]"}};
  CHECK(MrkdwnToWiki("<@U1> <https://x.test|a [b]>", names) == "@Bot \\[ext\\] [a \\[b\\]|https://x.test]");
  CHECK(ToWiki("<https://x.test/a]b|c>") == "[c|https://x.test/a%5Db]");
}

// ---------------------------------------------------------------------------
// Both directions together

TEST_CASE("a typical agent reply survives the round trip", "[markup]") {
  std::string reply =
      "Hi *Ada*,\n"
      "please run {{sudo systemctl restart vpn}} and check [the guide|https://x.test/guide].\n"
      "* step one\n"
      "* step _two_\n"
      "bq. VPN is down\n"
      "{noformat}\n"
      "journalctl -u vpn | tail\n"
      "{noformat}\n"
      "This -old- well-known fix & 5 - 3 work. Thanks!";
  std::string slack = ToSlack(reply);
  CHECK(slack ==
        "Hi *Ada*,\n"
        "please run `sudo systemctl restart vpn` and check <https://x.test/guide|the guide>.\n"
        "\xE2\x80\xA2 step one\n"
        "\xE2\x80\xA2 step _two_\n"
        "> VPN is down\n"
        "```\n"
        "journalctl -u vpn | tail\n"
        "```\n"
        "This ~old~ well-known fix &amp; 5 - 3 work. Thanks!");
  CHECK(ToWiki(slack) == reply);
}

// ---------------------------------------------------------------------------
// Hostile input: completes (ctest's timeout would catch a quadratic scan) and
// gives text back.

TEST_CASE("100 000 asterisks convert quickly to something sane", "[markup]") {
  std::string stars(100000, '*');
  CHECK(ToSlack(stars) == stars);
  std::string wiki = ToWiki(stars);
  CHECK(wiki.size() == 200000);
  CHECK(StartsWith(wiki, "\\*\\*"));
  std::string spaced;
  for (int i = 0; i < 30000; ++i) spaced += "*a ";
  CHECK(ToSlack(spaced) == spaced);
  CHECK(ToWiki(spaced).size() == spaced.size() + 30000);
}

TEST_CASE("50 000 open braces convert quickly to something sane", "[markup]") {
  std::string braces(50000, '{');
  CHECK(ToSlack(braces) == braces);
  CHECK(ToWiki(braces).size() == 100000);
  std::string macros;
  for (int i = 0; i < 10000; ++i) macros += "{code:{color:[[|";
  CHECK(ToSlack(macros).size() == macros.size());
}

TEST_CASE("an unbalanced code macro stays text", "[markup]") {
  CHECK(ToSlack("{code:java}\nint x = 1;\nno end") == "{code:java}\nint x = 1;\nno end");
  CHECK(ToWiki("```\nint x = 1;\nno end") == "```\nint x = 1;\nno end");
}

TEST_CASE("a lone bracket stays a bracket", "[markup]") {
  CHECK(ToSlack("[") == "[");
  CHECK(ToSlack("a [b") == "a [b");
  CHECK(ToWiki("[") == "\\[");
  CHECK(ToWiki("<") == "<");
  std::string angles(50000, '<');
  CHECK(ToWiki(angles) == angles);
  CHECK(ToWiki(angles + ">") == "[" + std::string(49999, '<') + "]");  // one huge link
}

TEST_CASE("empty text converts to empty text", "[markup]") {
  CHECK(ToSlack("") == "");
  CHECK(ToWiki("") == "");
  CHECK(SplitForSlack("", 3000).empty());
  CHECK(SplitForSlack(" \n\n ", 3000).empty());
}

// ---------------------------------------------------------------------------
// SplitForSlack

TEST_CASE("short text is one chunk", "[markup]") {
  CHECK(SplitForSlack("hello *world*", 3000) == std::vector<std::string>{"hello *world*"});
}

TEST_CASE("long text splits at a paragraph break", "[markup]") {
  std::string first(2000, 'a');
  std::string second(2000, 'b');
  CHECK(SplitForSlack(first + " x\n\n" + second, 3000) == std::vector<std::string>{first + " x", second});
}

TEST_CASE("without a paragraph break the split prefers a line break to a space", "[markup]") {
  std::string text = std::string(1600, 'x') + " " + std::string(600, 'y') + "\n" + std::string(1000, 'z');
  CHECK(SplitForSlack(text, 3000) ==
        std::vector<std::string>{std::string(1600, 'x') + " " + std::string(600, 'y'), std::string(1000, 'z')});
}

TEST_CASE("a long code block is split into balanced fences", "[markup]") {
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

TEST_CASE("a code block with one huge line is cut hard and stays fenced", "[markup]") {
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

TEST_CASE("a split never cuts a multi-byte character", "[markup]") {
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

TEST_CASE("a split never cuts a link token or an entity", "[markup]") {
  std::string token = "<https://x.test/a/very/long/path|the docs>";
  auto chunks = SplitForSlack(std::string(2990, 'a') + token + " tail", 3000);
  CHECK(chunks == std::vector<std::string>{std::string(2990, 'a'), token + " tail"});
  auto entity_chunks = SplitForSlack(std::string(2998, 'a') + "&amp;b", 3000);
  CHECK(entity_chunks == std::vector<std::string>{std::string(2998, 'a'), "&amp;b"});
}

TEST_CASE("a tiny limit still cuts by characters", "[markup]") {
  CHECK(SplitForSlack("abcdefghij", 4) == std::vector<std::string>{"abcd", "efgh", "ij"});
}
