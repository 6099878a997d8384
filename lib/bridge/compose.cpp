#include "bridge/compose.h"

#include "bridge/form.h"
#include "bridge/markup_support.h"
#include "bridge/text.h"

namespace bridge {
namespace {

// " of the Acme workspace", and whether it is another organisation's.
std::string Where(const Requester& person) {
  if (person.workspace.empty()) return person.external ? " (Slack Connect)" : "";
  return " of the " + CleanLine(person.workspace) + " workspace" + (person.external ? " (Slack Connect)" : "");
}

// "Ada Lovelace (ada@example.com) of the Acme workspace" with the name in
// bold. A name, an address and a workspace are one line each, whatever
// Slack holds.
std::vector<Inline> Who(const Requester& person) {
  std::vector<Inline> who{Text(CleanLine(person.name), kBold)};
  std::string rest = (person.email.empty() ? "" : " (" + CleanLine(person.email) + ")") + Where(person);
  if (!rest.empty()) who.push_back(Text(rest));
  return who;
}

// One "*Label:* value" line of the description's footer.
Block Line(std::string label, std::vector<Inline> value) {
  std::vector<Inline> line{Text(std::move(label), kBold), Text(" ")};
  line.insert(line.end(), value.begin(), value.end());
  return Paragraph(std::move(line));
}

}  // namespace

RichText TypedText(std::string_view text) {
  RichText out;
  // A lone "\r" ends a line too: no typed line break hides inside a line.
  ForEachLine(markup::NormalizeNewlines(text), [&](std::string_view line) {
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    out.blocks.push_back(blank ? Paragraph({}) : Paragraph({Text(std::string(line))}));
  });
  // Blank lines at either end show nothing.
  while (!out.blocks.empty() && out.blocks.back().inlines.empty()) out.blocks.pop_back();
  while (!out.blocks.empty() && out.blocks.front().inlines.empty()) out.blocks.erase(out.blocks.begin());
  return out;
}

RichText ComposeTicketDescription(const CreateTicket& request, const Requester& requester, std::string_view permalink,
                                  const std::vector<ThreadMessage>& earlier) {
  // What the customer typed is quoted, every line of it, and the footer is
  // not: typed text (escaped by the renderer, so it cannot write a quote's
  // end, a rule or bold) can never pass for the "Requested by" line.
  RichText out;
  for (Block& line : TypedText(request.description.empty() ? request.summary : request.description).blocks) {
    line.kind = Block::Kind::kQuote;
    out.blocks.push_back(std::move(line));
  }
  if (!earlier.empty()) {
    out.blocks.push_back(Paragraph({}));
    out.blocks.push_back(Paragraph({Text("Earlier in the Slack thread:", kBold)}));
    for (const ThreadMessage& message : earlier) {
      // Quoted like the request itself: an earlier message cannot pass for
      // the footer either.
      out.blocks.push_back(WithInlines(Block::Kind::kQuote, {Text(CleanLine(message.author) + ":", kBold)}));
      for (Block& line : TypedText(message.text).blocks) {
        line.kind = Block::Kind::kQuote;
        out.blocks.push_back(std::move(line));
      }
    }
  }
  out.blocks.push_back(Paragraph({}));  // a blank line before the footer
  out.blocks.push_back(Rule());
  std::string who = CleanLine(requester.name);
  if (!requester.email.empty()) who += " (" + CleanLine(requester.email) + ")";
  out.blocks.push_back(Line("Requested by:", {Text(who + Where(requester) + " via Slack")}));
  out.blocks.push_back(
      permalink.empty()
          ? Line("Slack thread:", {Text("channel " + request.thread.channel + ", thread " + request.thread.thread_ts)})
          : Line("Slack thread:", {Link(std::string(permalink), "Open the conversation in Slack")}));
  out.blocks.push_back(Line("slackdesk reference:", {Text(request.marker)}));
  return out;
}

RichText ComposeComment(const AddComment& reply, const Requester& author, std::string_view earlier_url) {
  std::vector<Inline> lead = Who(author);
  if (reply.edit) {
    lead.push_back(Text(" edited their message in Slack; it now reads (replacing "));
    if (earlier_url.empty()) {
      lead.push_back(Text("an earlier comment that could not be found"));
    } else {
      lead.push_back(Link(std::string(earlier_url), "the earlier comment"));
    }
    lead.push_back(Text("):"));
    RichText out;
    out.blocks.push_back(Paragraph(std::move(lead)));
    Append(out, reply.text);
    return out;
  }
  lead.push_back(Text(" wrote in Slack:"));
  RichText out;
  out.blocks.push_back(Paragraph(std::move(lead)));
  Append(out, reply.text);
  for (const SharedFile& file : reply.files) {
    out.blocks.push_back(Paragraph({Text("Attached in Slack: "), Link(file.permalink, file.name)}));
  }
  return out;
}

RichText ComposeFilesNote(const CopyFiles& copy, const Requester& sharer, const std::vector<std::string>& attached,
                          const std::vector<NotCopied>& not_copied) {
  RichText out;
  std::vector<Inline> lead = Who(sharer);
  if (!attached.empty()) {
    std::string names;
    for (const std::string& name : attached) names += (names.empty() ? "" : ", ") + CleanLine(name);
    lead.push_back(Text(" shared in Slack (attached): " + names));
  } else {
    lead.push_back(Text(" shared files in Slack."));
  }
  out.blocks.push_back(Paragraph(std::move(lead)));
  for (const NotCopied& file : not_copied) {
    NotCopied clean = file;
    clean.name = CleanLine(file.name);
    clean.reason = CleanLine(file.reason);
    out.blocks.push_back(Paragraph({Text(NotCopiedLine(clean))}));
  }
  out.blocks.push_back(Line("slackdesk reference:", {Text(copy.marker)}));
  return out;
}

}  // namespace bridge
