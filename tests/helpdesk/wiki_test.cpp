// Jira wiki → Slack mrkdwn through the neutral rich text (ParseWiki, then
// the names, then RenderMrkdwn), one row of the A7 table per case: literal
// input, literal output.
#include "helpdesk/jira/wiki.h"

#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "slack/mrkdwn.h"

namespace {

std::string ToSlack(const std::string& wiki, const std::map<std::string, std::string>& account_names = {}) {
  bridge::RichText text = helpdesk::jira::ParseWiki(wiki);
  bridge::NameMentions(text, account_names);
  return slack::RenderMrkdwn(text);
}

}  // namespace

TEST_CASE("wiki bold and italic stay as they are in Slack", "[wiki]") {
  CHECK(ToSlack("*urgent* and _soon_") == "*urgent* and _soon_");
}

TEST_CASE("wiki emphasis in braces, as Jira Cloud writes it inside words, is converted", "[wiki]") {
  CHECK(ToSlack("{*}Note:{*} read the {_}whole{_} page") == "*Note:* read the _whole_ page");
  CHECK(ToSlack("x{-}gone{-}y {*}open") == "x~gone~y {*}open");
}

TEST_CASE("wiki -deleted- becomes Slack strike", "[wiki]") { CHECK(ToSlack("the -old- way") == "the ~old~ way"); }

TEST_CASE("wiki strike needs word boundaries so hyphens and minus signs stay", "[wiki]") {
  CHECK(ToSlack("a well-known fix") == "a well-known fix");
  CHECK(ToSlack("5 - 3 = 2") == "5 - 3 = 2");
  CHECK(ToSlack("pre-/post-processing") == "pre-/post-processing");
  CHECK(ToSlack("-5 degrees") == "-5 degrees");
  CHECK(ToSlack("----") == "----");
}

TEST_CASE("wiki +inserted+ becomes plain text", "[wiki]") {
  CHECK(ToSlack("now +underlined+ text") == "now underlined text");
  CHECK(ToSlack("C++ and C++") == "C++ and C++");
}

TEST_CASE("wiki monospace becomes inline code", "[wiki]") {
  CHECK(ToSlack("run {{make -j2}} now") == "run `make -j2` now");
}

TEST_CASE("a wiki code block becomes a fence with nothing converted inside", "[wiki]") {
  CHECK(ToSlack("Try:\n{code:java}\nint *x* = -1; // [x|http://a] _y_\n{code}\nThanks") ==
        "Try:\n```\nint *x* = -1; // [x|http://a] _y_\n```\nThanks");
  CHECK(ToSlack("{code:title=Foo.java|borderStyle=solid}\nfoo();\n{code}") == "```\nfoo();\n```");
}

TEST_CASE("a wiki noformat block becomes a fence with nothing converted inside", "[wiki]") {
  CHECK(ToSlack("{noformat}\n-not strike- h1. {{x}}\n* no list\n{noformat}") ==
        "```\n-not strike- h1. {{x}}\n* no list\n```");
}

TEST_CASE("inside a code block only Slack's reserved characters are escaped", "[wiki]") {
  CHECK(ToSlack("{code}if (a < b && c > d) {}{code}") == "```if (a &lt; b &amp;&amp; c &gt; d) {}```");
}

TEST_CASE("a wiki bq. line becomes a Slack quote", "[wiki]") {
  CHECK(ToSlack("bq. the customer said") == "> the customer said");
}

TEST_CASE("a wiki quote block becomes quoted lines", "[wiki]") {
  CHECK(ToSlack("Before\n{quote}\nline one\nline two\n{quote}\nAfter") == "Before\n> line one\n> line two\nAfter");
  CHECK(ToSlack("{quote}short{quote}") == "> short");
  CHECK(ToSlack("a\n\n{quote}\nq\n{quote}\n\nb") == "a\n\n> q\n\nb");
  CHECK(ToSlack("a\n{quote}q{quote}b") == "a\n> q\nb");
}

TEST_CASE("a wiki link with a label becomes a Slack link with a label", "[wiki]") {
  CHECK(ToSlack("see [the guide|https://x.test/guide]") == "see <https://x.test/guide|the guide>");
}

TEST_CASE("a bare wiki link becomes a bare Slack link", "[wiki]") {
  CHECK(ToSlack("see [https://x.test/guide]") == "see <https://x.test/guide>");
  CHECK(ToSlack("[mail me|mailto:help@x.test]") == "<mailto:help@x.test|mail me>");
}

TEST_CASE("brackets that hold no URL stay text", "[wiki]") {
  CHECK(ToSlack("as [noted above] and [1]") == "as [noted above] and [1]");
}

TEST_CASE("a wiki mention shows the account's name when it is known", "[wiki]") {
  std::map<std::string, std::string> names{{"5b10ac8d82e05b22cc7d4ef5", "Ada Lovelace"}};
  CHECK(ToSlack("[~accountid:5b10ac8d82e05b22cc7d4ef5] fixed it", names) == "@Ada Lovelace fixed it");
  CHECK(ToSlack("[Ada L|~accountid:5b10ac8d82e05b22cc7d4ef5] fixed it", names) == "@Ada Lovelace fixed it");
}

TEST_CASE("a wiki mention without a known name uses the link's name or someone", "[wiki]") {
  CHECK(ToSlack("[Bob Smith|~accountid:712020:abc] will call") == "@Bob Smith will call");
  CHECK(ToSlack("[~accountid:712020:abc] will call") == "@someone will call");
  CHECK(ToSlack("[~jsmith] will call") == "@jsmith will call");
}

TEST_CASE("wiki headings become bold lines", "[wiki]") {
  CHECK(ToSlack("h1. Root cause\ntext\nh6. Small") == "*Root cause*\ntext\n*Small*");
  CHECK(ToSlack("h2. *Already bold*") == "*Already bold*");
  CHECK(ToSlack("h1.5 is not a heading") == "h1.5 is not a heading");
}

TEST_CASE("wiki bullets become Slack bullets, nested ones indented", "[wiki]") {
  CHECK(ToSlack("* one\n* two\n** nested\n- dash") ==
        "\xE2\x80\xA2 one\n\xE2\x80\xA2 two\n    \xE2\x97\xA6 nested\n\xE2\x80\xA2 dash");
}

TEST_CASE("wiki numbered lists get running numbers per list and level", "[wiki]") {
  CHECK(ToSlack("# a\n# b\n## b1\n## b2\n# c\n\ntext\n# again") ==
        "1. a\n2. b\n    1. b1\n    2. b2\n3. c\n\ntext\n1. again");
}

TEST_CASE("the wiki line break becomes a newline", "[wiki]") {
  CHECK(ToSlack("line one\\\\line two") == "line one\nline two");
  CHECK(ToSlack("ends here\\\\\nnext") == "ends here\nnext");
}

TEST_CASE("wiki tables become lines with bar separators and bold headers", "[wiki]") {
  CHECK(ToSlack("||Service||Status||\n|VPN|Down|\n|Mail|[status|https://x.test/s]|") ==
        "*Service* | *Status*\nVPN | Down\nMail | <https://x.test/s|status>");
  CHECK(ToSlack("||*Bold*|| plain ||") == "*Bold* | *plain*");
}

TEST_CASE("wiki images become a text note with the file name", "[wiki]") {
  CHECK(ToSlack("see !screen.png! and !Screenshot 1.JPG|thumbnail!") ==
        "see [image: screen.png] and [image: Screenshot 1.JPG]");
  CHECK(ToSlack("Hi! How are you!") == "Hi! How are you!");
}

TEST_CASE("wiki colour is dropped and its text kept", "[wiki]") {
  CHECK(ToSlack("{color:red}outage{color} over") == "outage over");
  CHECK(ToSlack("{color:#ff0000}*red bold*{color}") == "*red bold*");
}

TEST_CASE("wiki backslash escapes give the literal character", "[wiki]") {
  CHECK(ToSlack("\\*not bold\\* \\{x\\} \\[y\\] \\_z\\_") == "*not bold* {x} [y] _z_");
  CHECK(ToSlack("C:\\temp") == "C:\\temp");
}

TEST_CASE("Slack's reserved characters in wiki text become entities", "[wiki]") {
  CHECK(ToSlack("R&D says a < b > c") == "R&amp;D says a &lt; b &gt; c");
}

TEST_CASE("links keep their own delimiters and escape only the label", "[wiki]") {
  CHECK(ToSlack("[Q&A <new>|https://x.test/?a=1&b=2]") == "<https://x.test/?a=1&b=2|Q&amp;A &lt;new&gt;>");
  CHECK(ToSlack("[odd|https://x.test/a>b|c]") == "<https://x.test/a%3Eb|odd>");
}

TEST_CASE("bold inside a wiki list item stays bold", "[wiki]") {
  CHECK(ToSlack("* *urgent*: restart the _VPN_") == "\xE2\x80\xA2 *urgent*: restart the _VPN_");
}

TEST_CASE("a link inside a wiki quote is converted", "[wiki]") {
  CHECK(ToSlack("bq. see [docs|https://x.test/d]") == "> see <https://x.test/d|docs>");
  CHECK(ToSlack("{quote}\nsee [docs|https://x.test/d]\n{quote}") == "> see <https://x.test/d|docs>");
}

TEST_CASE("nested wiki emphasis converts both levels", "[wiki]") {
  CHECK(ToSlack("*bold _and italic_ and -gone-*") == "*bold _and italic_ and ~gone~*");
}

TEST_CASE("a wiki line break inside a quote stays quoted", "[wiki]") {
  CHECK(ToSlack("bq. one\\\\two") == "> one\n> two");
}

TEST_CASE("emphasis keeps its nesting order", "[wiki]") {
  CHECK(ToSlack("-_both_ strike- and _-both-_") == "~_both_ strike~ and _~both~_");
}

TEST_CASE("a heading with some bold is bold once", "[wiki]") {
  CHECK(ToSlack("h1. a *b* c") == "*a b c*");
}
