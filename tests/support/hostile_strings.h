// The hostile strings every escaping test runs through its converter: what
// a customer could type into Slack or the form, an agent into Jira, or
// anyone into a display name (contract behaviour 9). LongRuns() adds runs
// of 100 000 characters that must convert in linear time.
#pragma once

#include <string>
#include <vector>

namespace testing {

inline const std::vector<std::string>& HostileStrings() {
  static const std::vector<std::string> kStrings = {
      // Slack broadcasts and mentions, raw and entity-encoded.
      "<!channel> <!here> <!everyone>",
      "<!subteam^S1|@ops> and <!subteam^S1>",
      "<@U123> and <@U123|admin> and <@W999>",
      "<#C123|general> <#C123>",
      "&lt;!channel&gt; &amp;lt;!here&amp;gt; &lt;@U123&gt;",
      "a >b< c <<!here>> <!channel",
      "<!date^1392734382^{date}|x> <!channel|https://good.test>",
      // Links dressed as something else.
      "<https://evil.test|https://good.test>",
      "<https://evil.test/login|login at good.test> <http://x.test|www.good.test>",
      "<mailto:thief@evil.test|ceo@good.test>",
      "<javascript:alert(1)|click> <@U1|https://good.test>",
      // Jira macros.
      "{color:red}red{color} {panel:title=x}p{panel} {quote}q{quote} {anchor:top} {loremipsum}",
      "{code}x{code} {noformat}y{noformat} {CODE}z{Code} {NoFormat}w{NOFORMAT} {adf}{adf}",
      "{noformat}",
      "{code:java}",
      "{noformat}{code}{noformat}{code}",
      // Mentions, images, links.
      "[~admin] [~accountid:5b10ac8d82e05b22cc7d4ef5] [Boss|~accountid:123] [x| ~ admin]",
      "!image.png! !http://x.test/y.png! !https://x.test/t.gif|thumbnail! x !a b!",
      "[https://good.test|https://evil.test] [good|http://evil.test] [^attachment.txt] [#anchor] [SUP-1]",
      // Block markup at line starts.
      "|a|b|\n||h||h||",
      "----\n---\n-- \n----- x",
      "h1. Heading\nh6.x\nH2. upper\nbq. quote\nbq.x\n  h3. indented",
      "* bullet\n# number\n- dash\n** nested\n#* mixed\n\t* tabbed",
      // Phrase markup.
      "{{monospace}} -strike- +ins+ ^sup^ ~sub~ ??cite?? *bold* _em_",
      "x -\ty- *\tz* (tab next to markers)",
      "\xF0\x9F\x98\x80-emoji strike-\xF0\x9F\x98\x80 na\xC3\xAFve-*x*",
      // Backslashes.
      "a\\\\b \\\\ c\\",
      "\\{code} \\[~admin] \\\\[~admin] \\!x.png! \\",
      // Emoticons.
      "(/) (x) (y) (n) (i) (!) (+) (-) (?) (on) (off) (*) (*r) (flag) (flagoff) (Y)",
      ":) :-) :( :-( :P :-P :p :D :-D ;) ;-)",
      // Control, invisible and bidi characters; broken UTF-8.
      "ctrl\x01\x02\x07\x1b[31m\x7f end",
      "c1 \xC2\x85\xC2\x9B end",
      "zero\xE2\x80\x8Bwidth\xE2\x81\xA0joiner\xEF\xBB\xBF",
      "bidi \xE2\x80\xAE"
      "exe.txt\xE2\x80\xAC \xE2\x81\xA6x\xE2\x81\xA9 \xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAD",
      "bad utf8 \xFF\xFE \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 \xE2\x82",
      std::string("nul \0 inside", 13),
      "line\r\nbreaks\rhere",
  };
  return kStrings;
}

// Runs of 100 000 characters (or pieces), for linear time and for limits.
inline std::vector<std::string> LongRuns() {
  std::vector<std::string> runs;
  for (char c : std::string("<[{\\*!-|:(&")) runs.emplace_back(100000, c);
  std::string piece;
  for (const char* unit : {"<!channel>", "{noformat}", "[~admin]", "h1. ", "\xE2\x80\xAE", ":P", "``` {code}"}) {
    piece.clear();
    while (piece.size() < 100000) piece += unit;
    runs.push_back(piece);
  }
  return runs;
}

}  // namespace testing
