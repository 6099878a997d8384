// Jira wiki → Slack mrkdwn through the neutral rich text (ParseWiki, then
// the names, then RenderMrkdwn), one row of the A7 table per case: literal
// input, literal output, named by the rule it states.
#include "helpdesk/jira/wiki.h"

#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

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
