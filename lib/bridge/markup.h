// Comment bodies between the two markups, pure: Jira wiki markup (what JSM
// returns for agent comments) to Slack mrkdwn and back, and splitting long
// mrkdwn into pieces that fit a Block Kit text object.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bridge {

// An agent's Jira comment (wiki markup) as Slack mrkdwn: emphasis, {{mono}},
// {code}/{noformat} blocks (copied verbatim apart from & < > escaping), bq. and
// {quote}, links, mentions, headings, lists, tables, images, {color}, \\ line
// breaks and backslash escapes; & < > in the text become entities.
// [~accountid:X] is shown as "@" + account_names[X], else the name the link
// carries, else "@someone". Never fails: markup it does not recognise stays as
// text. Linear in the size of `wiki`, whatever it contains.
std::string WikiToMrkdwn(std::string_view wiki, const std::map<std::string, std::string>& account_names);

// A customer's Slack reply (mrkdwn as the Events API delivers it, with &amp;
// &lt; &gt;) as Jira wiki markup: emphasis, `code`, ``` blocks (as {noformat},
// verbatim), > quotes, <url|text> links, <@U1> mentions (as "@" +
// user_names[U1], else "@U1"), channels, <!here>, bullets. Characters Jira
// would read as markup but the customer typed as text are escaped with a
// backslash so the ticket shows what was typed. Linear in the input size.
std::string MrkdwnToWiki(std::string_view mrkdwn, const std::map<std::string, std::string>& user_names);

// `mrkdwn` in chunks of at most `max_chars` characters (code points), broken
// preferably at a paragraph break, then at a line break, then at a space, in
// the second half of the allowed length; otherwise cut hard. A chunk never
// ends inside a UTF-8 character, a <…> token or an &…; entity (unless the
// token alone is longer than a chunk); a ``` block cut in two is closed at
// the end of one chunk and reopened at the start of the next. Whitespace at
// a break outside a code block is dropped. Blank input gives no chunks.
// Below 16 characters per chunk there is no room for fences: the text is cut
// by characters only.
std::vector<std::string> SplitForSlack(std::string_view mrkdwn, size_t max_chars);

}  // namespace bridge
