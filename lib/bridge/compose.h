// What the bridge writes into the helpdesk, composed as neutral rich text
// (each backend renders it in its own markup, escaping whatever came from
// outside): the ticket raised from a form, and the comment made of a Slack
// reply. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bridge/actions.h"
#include "bridge/rich_text.h"

namespace bridge {

// The Slack user behind a request or a reply.
struct Requester {
  std::string name;       // Slack real name (or the user id when unknown)
  std::string email;      // "" when Slack does not share it
  std::string workspace;  // their Slack workspace's name (or id); "" when unknown
  bool external = false;  // from another organisation (Slack Connect)
};

// A message said in the thread before the mention that raised a request.
struct ThreadMessage {
  std::string author;  // the Slack user's name
  std::string text;    // as plain text
  auto Fields() const { return std::tie(author, text); }
};

// The ticket's description: what the user typed, then the conversation that
// led to it (`earlier`, quoted, each message under its author), who asked,
// the link back to the Slack thread (`permalink`, "" when unknown) and the
// marker. The request type's other fields go to the helpdesk as fields of
// their own.
RichText ComposeTicketDescription(const CreateTicket& request, const Requester& requester, std::string_view permalink,
                                  const std::vector<ThreadMessage>& earlier = {});

// The comment for a Slack reply: who wrote it, the text (with mentioned
// people's names already filled in), and the files shared with it. An edit
// (reply.edit) is short, so it is not taken for a second reply: who edited,
// a link to the comment it replaces (`earlier_url`; "" when that comment
// is not known, said in words) and the new text; its files were named with
// the message it edits.
RichText ComposeComment(const AddComment& reply, const Requester& author, std::string_view earlier_url = "");

// The comment that carries the files of one Slack message to the ticket:
// who shared them, the names of those `attached`, one line for each file
// `not_copied` (NotCopiedLine), and the marker that finds it again.
RichText ComposeFilesNote(const CopyFiles& copy, const Requester& sharer, const std::vector<std::string>& attached,
                          const std::vector<NotCopied>& not_copied);

// Typed text as rich text, line for line (blank lines kept, except at
// either end), every character shown as typed.
RichText TypedText(std::string_view text);

}  // namespace bridge
