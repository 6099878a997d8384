#include "bridge/compose.h"

#include "bridge/form.h"

namespace bridge {
namespace {

// "Ada Lovelace (ada@example.com)" with the name in bold.
std::vector<Inline> Who(const Requester& person) {
  std::vector<Inline> who{Text(person.name, kBold)};
  if (!person.email.empty()) who.push_back(Text(" (" + person.email + ")"));
  return who;
}

void AddLine(std::vector<Inline>& lines, std::string label, std::vector<Inline> value) {
  if (!lines.empty()) lines.push_back(LineBreak());
  lines.push_back(Text(std::move(label), kBold));
  lines.push_back(Text(" "));
  lines.insert(lines.end(), value.begin(), value.end());
}

}  // namespace

RichText TypedText(std::string_view text) {
  RichText out;
  std::vector<Inline> paragraph;
  auto flush = [&] {
    while (!paragraph.empty() && paragraph.back().kind == Inline::Kind::kLineBreak) paragraph.pop_back();
    if (!paragraph.empty()) out.blocks.push_back(Paragraph(std::move(paragraph)));
    paragraph.clear();
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      flush();
    } else {
      if (!paragraph.empty()) paragraph.push_back(LineBreak());
      paragraph.push_back(Text(std::string(line)));
    }
    start = end + 1;
  }
  flush();
  return out;
}

RichText ComposeTicketDescription(const CreateTicket& request, const Requester& requester, std::string_view permalink) {
  RichText out = TypedText(request.description.empty() ? request.summary : request.description);
  out.blocks.push_back(Rule());
  std::vector<Inline> footer;
  AddLine(footer, "Severity:", {Text(request.severity.empty() ? kDefaultSeverity : request.severity)});
  std::vector<Inline> who = Who(requester);
  who.push_back(Text(" via Slack"));
  AddLine(footer, "Requested by:", who);
  if (permalink.empty()) {
    AddLine(footer, "Slack thread:",
            {Text("channel " + request.thread.channel + ", thread " + request.thread.thread_ts)});
  } else {
    AddLine(footer, "Slack thread:", {Link(std::string(permalink), "Open the conversation in Slack")});
  }
  AddLine(footer, "slackdesk reference:", {Text(request.marker)});
  out.blocks.push_back(Paragraph(std::move(footer)));
  return out;
}

RichText ComposeComment(const AddComment& reply, const Requester& author) {
  std::vector<Inline> lead = Who(author);
  lead.push_back(Text(reply.edit ? " edited their message in Slack:" : " wrote in Slack:"));
  RichText out;
  out.blocks.push_back(Paragraph(std::move(lead)));
  Append(out, reply.text);
  for (const auto& [name, permalink] : reply.files) {
    out.blocks.push_back(Paragraph({Text("Attached in Slack: "), Link(permalink, name)}));
  }
  return out;
}

}  // namespace bridge
