// Slack mrkdwn → Jira wiki through the neutral rich text (ParseMrkdwn, then
// the names, then RenderWiki), one row of the A7 table per case, then both
// directions together and hostile input: literal input, literal output.
#include "slack/mrkdwn.h"

#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "helpdesk/jira/wiki.h"
#include "util/strings.h"

namespace {

std::string ToWiki(const std::string& mrkdwn, const std::map<std::string, std::string>& user_names = {}) {
  bridge::RichText text = slack::ParseMrkdwn(mrkdwn);
  bridge::NameMentions(text, user_names);
  return helpdesk::jira::RenderWiki(text);
}

std::string ToSlack(const std::string& wiki) { return slack::RenderMrkdwn(helpdesk::jira::ParseWiki(wiki)); }

}  // namespace

TEST_CASE("Slack bold and italic stay as they are in wiki", "[mrkdwn]") {
  CHECK(ToWiki("*urgent* and _soon_") == "*urgent* and _soon_");
}

TEST_CASE("Slack strike becomes wiki -deleted-", "[mrkdwn]") { CHECK(ToWiki("the ~old~ way") == "the -old- way"); }

TEST_CASE("Slack inline code becomes wiki monospace", "[mrkdwn]") {
  CHECK(ToWiki("run `make -j2` now") == "run {{make \\-j2}} now");
  CHECK(ToWiki("`ls`") == "{{ls}}");
}

TEST_CASE("a Slack code block becomes noformat with nothing converted inside", "[mrkdwn]") {
  CHECK(ToWiki("Log:\n```\nSELECT * FROM t WHERE a &lt; 3; -- [x] *y* ~z~\n```\nThanks") ==
        "Log:\n{noformat}\nSELECT * FROM t WHERE a < 3; -- [x] *y* ~z~\n{noformat}\nThanks");
}

TEST_CASE("a Slack code block holding noformat becomes a code macro", "[mrkdwn]") {
  CHECK(ToWiki("```{noformat}```") == "{code}{noformat}{code}");
}

TEST_CASE("Slack quotes become bq. lines", "[mrkdwn]") {
  CHECK(ToWiki("&gt; the error says\n&gt; disk full") == "bq. the error says\nbq. disk full");
  CHECK(ToWiki("> typed by hand") == "bq. typed by hand");
}

TEST_CASE("a Slack link with a label becomes a wiki link with a label", "[mrkdwn]") {
  CHECK(ToWiki("see <https://x.test/a?b=1&amp;c=2|the page>") == "see [the page|https://x.test/a?b=1&c=2]");
}

TEST_CASE("a bare Slack link becomes a bare wiki link", "[mrkdwn]") {
  CHECK(ToWiki("see <https://x.test/a>") == "see [https://x.test/a]");
}

TEST_CASE("a Slack mailto link keeps its address as the label", "[mrkdwn]") {
  CHECK(ToWiki("write <mailto:a@b.test|a@b.test>") == "write [a@b.test|mailto:a@b.test]");
}

TEST_CASE("Slack user mentions become names, or the id when unknown", "[mrkdwn]") {
  std::map<std::string, std::string> names{{"U1", "Ada Lovelace"}};
  CHECK(ToWiki("<@U1> and <@U2> agree", names) == "@Ada Lovelace and @U2 agree");
}

TEST_CASE("Slack channels and broadcasts become text", "[mrkdwn]") {
  CHECK(ToWiki("in <#C1|general> cc <!here> <!channel>") == "in #general cc @here @channel");
}

TEST_CASE("Slack entities are decoded for Jira", "[mrkdwn]") {
  CHECK(ToWiki("R&amp;D says a &lt; b &gt; c") == "R&D says a < b > c");
}

TEST_CASE("Slack bullets become wiki bullets, nested ones deeper", "[mrkdwn]") {
  CHECK(ToWiki("\xE2\x80\xA2 one\n- two\n    \xE2\x97\xA6 nested") == "* one\n* two\n** nested");
}

TEST_CASE("wiki characters the customer typed are escaped", "[mrkdwn]") {
  CHECK(ToWiki("use {braces} and [brackets] or a|b, wow!nice") ==
        "use \\{braces\\} and \\[brackets\\] or a\\|b, wow\\!nice");
  CHECK(ToWiki("Thanks! It works!") == "Thanks! It works!");
}

TEST_CASE("list and heading starts the customer typed are escaped", "[mrkdwn]") {
  CHECK(ToWiki("# not a list") == "\\# not a list");
  CHECK(ToWiki("* not a list") == "\\* not a list");
  CHECK(ToWiki("h1. not a heading") == "h1\\. not a heading");
  CHECK(ToWiki("bq. not a quote") == "bq\\. not a quote");
  CHECK(ToWiki("issue #4 again") == "issue #4 again");
}

TEST_CASE("Slack text keeps hyphens and minus signs without escapes", "[mrkdwn]") {
  CHECK(ToWiki("a well-known fix, 5 - 3, snake_case, 2*3*4") == "a well-known fix, 5 - 3, snake_case, 2*3*4");
}

TEST_CASE("a marker Jira would read as emphasis is escaped", "[mrkdwn]") {
  CHECK(ToWiki("-5 degrees and +1 from me") == "\\-5 degrees and \\+1 from me");
  CHECK(ToWiki("*not closed") == "\\*not closed");
}

TEST_CASE("bold inside a Slack bullet stays bold", "[mrkdwn]") {
  CHECK(ToWiki("\xE2\x80\xA2 *urgent*: restart the _VPN_") == "* *urgent*: restart the _VPN_");
}

TEST_CASE("a link inside a Slack quote is converted", "[mrkdwn]") {
  CHECK(ToWiki("&gt; see <https://x.test/d|docs>") == "bq. see [docs|https://x.test/d]");
}

TEST_CASE("names and labels with wiki characters are escaped", "[mrkdwn]") {
  std::map<std::string, std::string> names{{"U1", "Bot [ext]"}};
  CHECK(ToWiki("<@U1> <https://x.test|a [b]>", names) == "@Bot \\[ext\\] [a \\[b\\]|https://x.test]");
  CHECK(ToWiki("<https://x.test/a]b|c>") == "[c|https://x.test/a%5Db]");
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

TEST_CASE("an unbalanced code macro stays text", "[mrkdwn]") {
  CHECK(ToSlack("{code:java}\nint x = 1;\nno end") == "{code:java}\nint x = 1;\nno end");
  CHECK(ToWiki("```\nint x = 1;\nno end") == "```\nint x = 1;\nno end");
}

TEST_CASE("a lone bracket stays a bracket", "[mrkdwn]") {
  CHECK(ToSlack("[") == "[");
  CHECK(ToSlack("a [b") == "a [b");
  CHECK(ToWiki("[") == "\\[");
  CHECK(ToWiki("<") == "<");
  std::string angles(50000, '<');
  CHECK(ToWiki(angles) == angles);
  CHECK(ToWiki(angles + ">") == "[" + std::string(49999, '<') + "]");  // one huge link
}

TEST_CASE("empty text converts to empty text", "[mrkdwn]") {
  CHECK(ToSlack("") == "");
  CHECK(ToWiki("") == "");
}


TEST_CASE("a mention inside inline code gets its name too", "[mrkdwn]") {
  CHECK(ToWiki("run `ping <@U1>` now", {{"U1", "Ada"}}) == "run {{ping @Ada}} now");
}

TEST_CASE("a code block that shares a line with text is set on its own line", "[mrkdwn]") {
  CHECK(ToWiki("see ```x``` here") == "see \n{noformat}x{noformat}\n here");
}
