// Jira wiki markup (helpdesk/jira/wiki.h), read from any agent comment and
// written from any rich text. ParseWiki never fails and is linear;
// RenderWiki is linear, and what it writes, read back by Jira (ParseWiki),
// holds no mention, image or new link (contract behaviour 9), and typed
// text and code come back with all their letters and digits. An agent's
// comment on its way to Slack reads back without live mentions or
// broadcasts.
#include "fuzz_support.h"
#include "helpdesk/jira/wiki.h"
#include "markup_checks.h"
#include "slack/mrkdwn.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // An agent's comment as Jira sends it.
  bridge::RichText comment = helpdesk::jira::ParseWiki(input);
  // Linear: a byte opens at most a few runs or blocks (ContentSize counts
  // each), and an image or attachment becomes "[image: name]" text.
  FUZZ_CHECK(fuzz::ContentSize(comment) <= 8 * size + 64, "parsed text out of proportion to its source");
  std::string rendered = helpdesk::jira::RenderWiki(comment);
  fuzz::CheckRenderedSize(comment, rendered);
  fuzz::CheckJiraReading(comment, rendered);

  // The same comment relayed to Slack.
  std::string mrkdwn = slack::RenderMrkdwn(comment);
  fuzz::CheckRenderedSize(comment, mrkdwn);
  fuzz::CheckNoLiveMarkup(comment, slack::ParseMrkdwn(mrkdwn), mrkdwn);

  // Any rich text: nothing live comes back.
  {
    fuzz::Bytes bytes(data, size);
    bridge::RichText text = fuzz::RichTextFrom(bytes, false);
    std::string out = helpdesk::jira::RenderWiki(text);
    fuzz::CheckRenderedSize(text, out);
    fuzz::CheckJiraReading(text, out);
  }
  // Typed text and code: Jira shows every letter and digit typed, in order;
  // no markup swallowed any of it (a heading's "h1.", a macro's name, a
  // link's brackets, a code block closed from inside). Escapes and the
  // renderer's separators are neither letters nor digits.
  {
    fuzz::Bytes bytes(data, size);
    bridge::RichText text = fuzz::RichTextFrom(bytes, true);
    std::string out = helpdesk::jira::RenderWiki(text);
    bridge::RichText back = fuzz::CheckJiraReading(text, out);
    std::string typed = bridge::ToPlainString(text);
    std::string shown = bridge::ToPlainString(back);
    FUZZ_CHECK(fuzz::LettersAndDigits(shown) == fuzz::LettersAndDigits(typed),
               "typed:\n" + typed + "\nrendered:\n" + out + "\nshown:\n" + shown);
  }
  return 0;
}
