// The one link policy both renderers follow (contract behaviour 9): a link
// that came from outside is shown as a link only when it cannot be markup
// on the other side and its label does not pretend to lead elsewhere. Pure.
#pragma once

#include <string_view>

namespace bridge {

enum class LinkShape {
  // A link showing its label (or the URL, when the label is empty or is the
  // URL itself).
  kLink,
  // The label reads as an address (a URL, a host name, an e-mail) that is
  // not where the link goes, as in <https://evil.test|https://good.test>:
  // the label is shown as text, then the real URL as a bare link.
  kLabelAndUrl,
  // The target is not an http, https, ftp or mailto URL ("!channel",
  // "@U123", "~accountid:…", "javascript:…" would be markup or worse):
  // label and target are shown as text.
  kText,
};

LinkShape ShapeOfLink(std::string_view url, std::string_view label);

// True when `url` starts with http://, https://, ftp:// or mailto: (in any case).
bool HasSafeScheme(std::string_view url);

}  // namespace bridge
