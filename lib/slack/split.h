// Long Slack mrkdwn in pieces that fit a Block Kit text object. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slack {

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

}  // namespace slack
