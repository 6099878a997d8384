// Slack mrkdwn (slack/mrkdwn.h), read from any message text and written
// from any rich text. ParseMrkdwn never fails and is linear; RenderMrkdwn
// is linear, and what it writes, read back by Slack (ParseMrkdwn), holds no
// live mention, channel, broadcast or new link (contract behaviour 9). The
// same for Slack text on its way to Jira: a Slack message rendered as wiki
// markup reads back without mentions, new links or images.
#include "fuzz_support.h"
#include "helpdesk/jira/wiki.h"
#include "markup_checks.h"
#include "slack/mrkdwn.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // A message as Slack delivers it.
  bridge::RichText message = slack::ParseMrkdwn(input);
  // Linear: a byte opens at most a few runs or blocks (ContentSize counts
  // each).
  FUZZ_CHECK(fuzz::ContentSize(message) <= 8 * size + 64, "parsed text out of proportion to its source");
  std::string rendered = slack::RenderMrkdwn(message);
  fuzz::CheckRenderedSize(message, rendered);
  fuzz::CheckNoLiveMarkup(message, slack::ParseMrkdwn(rendered), rendered);

  // The same message as a Jira comment.
  std::string wiki = helpdesk::jira::RenderWiki(message);
  fuzz::CheckRenderedSize(message, wiki);
  fuzz::CheckJiraReading(message, wiki);

  // Any rich text (names, helpdesk texts, composed posts), and plain typed
  // text on its own.
  for (bool text_only : {false, true}) {
    fuzz::Bytes bytes(data, size);
    bridge::RichText text = fuzz::RichTextFrom(bytes, text_only);
    std::string out = slack::RenderMrkdwn(text);
    fuzz::CheckRenderedSize(text, out);
    bridge::RichText back = slack::ParseMrkdwn(out);
    fuzz::CheckNoLiveMarkup(text, back, out);
    if (text_only) {
      // Slack has no escape for emphasis, so typed "*" may become bold, but
      // every letter and digit typed is shown.
      std::string typed = bridge::ToPlainString(text);
      std::string shown = bridge::ToPlainString(back);
      FUZZ_CHECK(fuzz::LettersAndDigits(shown) == fuzz::LettersAndDigits(typed),
                 "typed:\n" + typed + "\nrendered:\n" + out + "\nshown:\n" + shown);
    }
  }
  return 0;
}
