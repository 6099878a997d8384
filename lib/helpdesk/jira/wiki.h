// Jira wiki markup (what Jira Cloud's v2 API and Data Center speak for
// comments and descriptions) to and from the neutral bridge::RichText. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "bridge/rich_text.h"

namespace helpdesk::jira {

// An agent's comment or a description as neutral rich text, a block per
// line: emphasis, {{mono}}, {code}/{noformat} blocks (verbatim, each on its
// own line), bq. and {quote} (a list item, heading or row inside {quote} is
// quoted text), links, [~accountid:X] / [~username] mentions (UserMention
// with the id and the name the link carries; a username is its own name),
// headings, lists, tables, images and attachments (as the text "[image:
// name]", "[attachment: name]"), {color} (dropped, its text kept), \\ line
// breaks and backslash escapes. Never fails: markup it does not recognise
// stays as text. Linear in the size of `wiki`, whatever it contains.
//
// `embeds`, when given, receives how many images and attachment links were
// recognised: their text alone cannot tell them from "[image: x]" typed.
struct WikiEmbeds {
  size_t images = 0;
  size_t attachments = 0;
};
bridge::RichText ParseWiki(std::string_view wiki, WikiEmbeds* embeds = nullptr);

// Rich text as wiki markup, a line per block: the one escaping rule for
// Jira (wiki_render.cpp says how). Text is cleaned (bridge::CleanText) and
// escaped so Jira shows it as it was typed: no markup, macro, mention,
// image, emoticon or line break can come from a kText run (mentions,
// channels and broadcasts render as "@name" text); links follow
// bridge::ShapeOfLink. A kCode block is a {noformat}, a {code} when it holds
// "{noformat" (in any case), or {noformat} pieces when it holds both: it
// never ends early. Linear in the output size.
std::string RenderWiki(const bridge::RichText& text);

// RenderWiki's output cut to at most `max_chars` characters ("…" where it
// was cut) without leaving a verbatim block open: an unclosed {noformat}
// would let the rest of its content be read as markup.
std::string TruncateWiki(const std::string& wiki, size_t max_chars);

}  // namespace helpdesk::jira
