// Slack mrkdwn → Jira wiki through the neutral rich text (ParseMrkdwn, then
// the names, then RenderWiki), one row of the A7 table per case, then both
// directions together and hostile input: literal input, literal output.
#include "slack/mrkdwn.h"

#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bridge/text.h"
#include "helpdesk/jira/wiki.h"
#include "hostile_strings.h"
#include "inert_markup.h"
#include "table.h"
#include "util/strings.h"

namespace {

std::string ToWiki(const std::string& mrkdwn, const std::map<std::string, std::string>& user_names = {}) {
  bridge::RichText text = slack::ParseMrkdwn(mrkdwn);
  bridge::NameMentions(text, user_names);
  return helpdesk::jira::RenderWiki(text);
}

std::string ToSlack(const std::string& wiki) { return slack::RenderMrkdwn(helpdesk::jira::ParseWiki(wiki)); }

const std::vector<testing::TextRule> kSlackToWiki = {
    {"Slack bold and italic stay as they are in wiki", {{"*urgent* and _soon_", "*urgent* and _soon_"}}},
    {"Slack strike becomes wiki -deleted-", {{"the ~old~ way", "the -old- way"}}},
    {"Slack inline code becomes wiki monospace",
     {{"run `make -j2` now", "run {{make \\-j2}} now"}, {"`ls`", "{{ls}}"}}},
    {"a Slack code block becomes noformat with nothing converted inside",
     {{"Log:\n```\nSELECT * FROM t WHERE a &lt; 3; -- [x] *y* ~z~\n```\nThanks",
       "Log:\n{noformat}\nSELECT * FROM t WHERE a < 3; -- [x] *y* ~z~\n{noformat}\nThanks"}}},
    {"a Slack code block holding noformat becomes a code macro", {{"```{noformat}```", "{code}{noformat}{code}"}}},
    {"Slack quotes become bq. lines",
     {{"&gt; the error says\n&gt; disk full", "bq. the error says\nbq. disk full"},
      {"> typed by hand", "bq. typed by hand"}}},
    {"a Slack link with a label becomes a wiki link with a label",
     {{"see <https://x.test/a?b=1&amp;c=2|the page>", "see [the page|https://x.test/a?b=1&c=2]"}}},
    {"a bare Slack link becomes a bare wiki link", {{"see <https://x.test/a>", "see [https://x.test/a]"}}},
    {"a Slack mailto link keeps its address as the label",
     {{"write <mailto:a@b.test|a@b.test>", "write [a@b.test|mailto:a@b.test]"}}},
    {"Slack user mentions become names, or the id when unknown",
     {{"<@U1> and <@U2> agree", "@Ada Lovelace and @U2 agree", {{"U1", "Ada Lovelace"}}}}},
    {"Slack channels and broadcasts become text",
     {{"in <#C1|general> cc <!here> <!channel>", "in #general cc @here @channel"}}},
    {"Slack entities are decoded for Jira", {{"R&amp;D says a &lt; b &gt; c", "R&D says a < b > c"}}},
    {"Slack bullets become wiki bullets, nested ones deeper",
     {{"\xE2\x80\xA2 one\n- two\n    \xE2\x97\xA6 nested", "* one\n* two\n** nested"}}},
    {"wiki characters the customer typed are escaped",
     {{"use {braces} and [brackets] or a|b, wow!nice", "use \\{braces\\} and \\[brackets\\] or a\\|b, wow\\!nice"},
      {"Thanks! It works!", "Thanks! It works!"}}},
    {"list and heading starts the customer typed are escaped",
     {{"# not a list", "\\# not a list"},
      {"* not a list", "\\* not a list"},
      {"h1. not a heading", "h\xE2\x80\x8B" "1. not a heading"},
      {"bq. not a quote", "b\xE2\x80\x8Bq. not a quote"},
      {"h1.5 is a heading to Jira Cloud", "h\xE2\x80\x8B" "1.5 is a heading to Jira Cloud"},
      {"issue #4 again", "issue #4 again"}}},
    {"Slack text keeps hyphens and minus signs without escapes",
     {{"a well-known fix, 5 - 3, snake_case, 2*3*4", "a well-known fix, 5 - 3, snake_case, 2*3*4"}}},
    {"a marker Jira would read as emphasis is escaped",
     {{"-5 degrees and +1 from me", "\\-5 degrees and \\+1 from me"}, {"*not closed", "\\*not closed"}}},
    {"bold inside a Slack bullet stays bold",
     {{"\xE2\x80\xA2 *urgent*: restart the _VPN_", "* *urgent*: restart the _VPN_"}}},
    {"a link inside a Slack quote is converted",
     {{"&gt; see <https://x.test/d|docs>", "bq. see [docs|https://x.test/d]"}}},
    {"names and labels with wiki characters are escaped",
     {{"<@U1> <https://x.test|a [b]>", "@Bot \\[ext\\] a \\[b\\] ([https://x.test])", {{"U1", "Bot [ext]"}}},
      {"<https://x.test/a]b|c>", "[c|https://x.test/a%5Db]"}}},
    {"a mention inside inline code gets its name too",
     {{"run `ping <@U1>` now", "run {{ping @Ada}} now", {{"U1", "Ada"}}}}},
    {"a code block that shares a line with text is set on its own line",
     {{"see ```x``` here", "see \n{noformat}x{noformat}\n here"}}},
};

// Input that must come back as text, not markup, in each direction.
const std::vector<testing::TextRule> kUnfinishedToSlack = {
    {"an unbalanced code macro stays text", {{"{code:java}\nint x = 1;\nno end", "{code:java}\nint x = 1;\nno end"}}},
    {"a lone bracket stays a bracket", {{"[", "["}, {"a [b", "a [b"}}},
    {"empty text converts to empty text", {{"", ""}}},
};
const std::vector<testing::TextRule> kUnfinishedToWiki = {
    {"an unbalanced code macro stays text", {{"```\nint x = 1;\nno end", "```\nint x = 1;\nno end"}}},
    {"a lone bracket stays a bracket", {{"[", "\\["}, {"<", "<"}, {std::string(50000, '<'), std::string(50000, '<')}}},
    {"one huge token with no URL in it is text",
     {{std::string(50000, '<') + ">", std::string(49999, '<')}}},
    {"empty text converts to empty text", {{"", ""}}},
};

}  // namespace

TEST_CASE("Slack mrkdwn converts to Jira wiki by the A7 table", "[mrkdwn]") {
  testing::CheckTextRules(kSlackToWiki, ToWiki);
}

// ---------------------------------------------------------------------------
// Both directions together

TEST_CASE("a typical agent reply survives the round trip", "[mrkdwn]") {
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

TEST_CASE("100 000 asterisks convert quickly to something sane", "[mrkdwn]") {
  std::string stars(100000, '*');
  CHECK(ToSlack(stars) == stars);
  std::string wiki = ToWiki(stars);
  CHECK(wiki.size() == 200000);
  CHECK(util::StartsWith(wiki, "\\*\\*"));
  std::string spaced;
  for (int i = 0; i < 30000; ++i) spaced += "*a ";
  CHECK(ToSlack(spaced) == spaced);
  CHECK(ToWiki(spaced).size() == spaced.size() + 30000);
}

TEST_CASE("50 000 open braces convert quickly to something sane", "[mrkdwn]") {
  std::string braces(50000, '{');
  CHECK(ToSlack(braces) == braces);
  CHECK(ToWiki(braces).size() == 100000);
  std::string macros;
  for (int i = 0; i < 10000; ++i) macros += "{code:{color:[[|";
  CHECK(ToSlack(macros).size() == macros.size());
}

TEST_CASE("unfinished markup stays text in both directions", "[mrkdwn]") {
  testing::CheckTextRules(kUnfinishedToSlack, ToSlack);
  testing::CheckTextRules(kUnfinishedToWiki, ToWiki);
}

// ---------------------------------------------------------------------------
// Hostile Slack text (contract behaviour 9): what a customer writes in a
// thread reaches Jira with no mention, image, macro or dressed-up link.

const std::vector<testing::TextRule> kHostileSlackToWiki = {
    {"a Slack link whose label names another host shows the label, then the real link",
     {{"<https://evil.test|https://good.test>", "https://good.test ([https://evil.test])"},
      {"<https://evil.test/x|login at www.good.test>", "login at www.good.test ([https://evil.test/x])"},
      {"<mailto:thief@evil.test|ceo@good.test>", "ceo@good.test ([mailto:thief@evil.test])"},
      {"<https://good.test/x|https://good.test>", "[https://good.test|https://good.test/x]"}}},
    {"a label Jira would split is text before the bare link",
     {{"<https://x.test|a|b>", "a\\|b ([https://x.test])"}, {"<https://x.test|wow!>", "wow! ([https://x.test])"}}},
    {"a brace in a link's URL is encoded: Data Center reads macros before links",
     {{"<https://x.test/{noformat}|a>", "[a|https://x.test/%7Bnoformat%7D]"}}},
    {"a link target that is not a URL is text",
     {{"<javascript:alert(1)|click>", "click (javascript:alert(1))"}, {"<!channel|click>", "@channel"}}},
    {"a typed backslash never pairs with an escape or a line break",
     {{"a\\{b", "a\\\xE2\x80\x8B\\{b"}, {"c:\\", "c:\\\xE2\x80\x8B"}}},
    {"emoticons stay text", {{"ok (y) :P", "ok \\(y) :\xE2\x80\x8BP"}}},
    {"Slack code blocks holding Jira's closers stay one verbatim text",
     {{"```{noformat}{code}```", "\\{noformat\n{noformat}}{code}{noformat}"},
      {"```a{noformat}b{code}c```", "{noformat}a{noformat}\n\\{noformat\n{noformat}}b{code}c{noformat}"},
      {"```a{NOFORMAT}b```", "{code}a{NOFORMAT}b{code}"},
      {"```{code}```", "{noformat}{code}{noformat}"},
      {"```a\\```", "{noformat}a\\\n{noformat}"}}},
};

TEST_CASE("hostile Slack text reaches Jira as text", "[mrkdwn][escaping]") {
  testing::CheckTextRules(kHostileSlackToWiki, [](const std::string& mrkdwn) { return ToWiki(mrkdwn); });
  std::vector<std::string> all = testing::HostileStrings();
  for (std::string& run : testing::LongRuns()) all.push_back(std::move(run));
  for (const std::string& hostile : all) {
    INFO("Slack text: " << hostile.substr(0, 200));
    std::string wiki = ToWiki(hostile, {{"U123", "[~admin] {color:red}x"}});
    CHECK(testing::LiveWikiStructure(wiki) == "");
  }
}
