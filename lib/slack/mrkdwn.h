// Slack mrkdwn (as the Events API delivers message text, with &amp; &lt;
// &gt;) to and from the neutral bridge::RichText. Pure.
#pragma once

#include <string>
#include <string_view>

#include "bridge/rich_text.h"

namespace slack {

// A message's text as neutral rich text, a block per line (a blank line is
// an empty paragraph): emphasis, `code` (kCode text; a mention inside stays
// a mention), ``` blocks (verbatim, tokens as their text, each on its own
// line), > quotes, <url|label> links, <@U1> mentions (UserMention with the
// id, and the name when the token carries one), <#C1|name> channels,
// <!here>/<!channel>/<!everyone>/<!subteam^…> (kBroadcast), bullets;
// entities decoded. Never fails. Linear in the input size.
bridge::RichText ParseMrkdwn(std::string_view mrkdwn);

// Rich text as mrkdwn for a section block or a `text` fallback, a line per
// block. & < > in text become entities, so no kText run becomes a live
// mention, broadcast or link (Slack has no escape for * _ ~ `: those show
// as typed); mentions render as "@name" text, "@someone" without a name
// (never a live <@U…>, which would notify: contract behaviour 9); headings
// and header cells are bold; code blocks stay verbatim.
std::string RenderMrkdwn(const bridge::RichText& text);

// The one escaping rule for Slack (contract behaviour 9), for every text
// that came from outside: cleaned (bridge::CleanText: controls, bidi
// overrides and invisible characters go), then & < > become entities, so
// no <!channel>, <!here>, <@U…> or <url|label> can come out of it. Slack
// reads a plain "@channel" as text unless a post asks for link_names,
// which none of ours does. Nothing else changes: Slack has no escape for
// * _ ~ `, which are harmless.
std::string EscapeMrkdwn(std::string_view text);
// The same for text that stands on one line (names, summaries, labels):
// line breaks and tabs become spaces.
std::string EscapeMrkdwnLine(std::string_view text);
// The one way a link is written: <url|label>, or <url> when the label is
// empty or the URL; by bridge::ShapeOfLink, a label that reads as another
// address is text followed by the bare <url>, and a target that is not an
// http(s), ftp or mailto URL is text (a "!channel" or "@U1" target would
// be a broadcast or a mention).
std::string LinkMrkdwn(std::string_view url, std::string_view label);

}  // namespace slack
