// Jira wiki markup (what Jira Cloud's v2 API and Data Center speak for
// comments and descriptions) to and from the neutral bridge::RichText. Pure.
#pragma once

#include <string>
#include <string_view>

#include "bridge/rich_text.h"

namespace helpdesk::jira {

// An agent's comment or a description as neutral rich text: emphasis,
// {{mono}}, {code}/{noformat} blocks (verbatim), bq. and {quote}, links,
// [~accountid:X] / [~username] mentions (UserMention with the id and the
// name the link carries), headings, lists, tables, images (as links),
// {color} (dropped, its text kept), \\ line breaks and backslash escapes.
// Never fails: markup it does not recognise stays as text. Linear in the
// size of `wiki`, whatever it contains.
bridge::RichText ParseWiki(std::string_view wiki);

// Rich text as wiki markup. Text is escaped so Jira shows it as it was
// typed: no markup, macro, mention or image can come from a kText run, and
// a kCode block cannot be closed from inside. Linear in the output size.
std::string RenderWiki(const bridge::RichText& text);

}  // namespace helpdesk::jira
