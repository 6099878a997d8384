// What Request Tracker (or a proxy in front of it) answers, and the text of
// its messages (helpdesk/rt/rt_wire.h, rt_text.h): every parser takes any
// body and gives a value read from it (bounded by it) or an error that says
// what was wrong; a message's marker is one line, and its text never holds
// a control character but newline and tab.
#include <string>

#include "fuzz_support.h"
#include "helpdesk/rt/rt_text.h"
#include "helpdesk/rt/rt_wire.h"

namespace {

using namespace helpdesk::rt;

template <class T>
void CheckError(const util::Result<T>& result) {
  if (!result) FUZZ_CHECK(!result.error().message.empty(), "an error says what was wrong");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  Page page;
  if (auto transactions = ParseTransactionPage(body, &page)) {
    FUZZ_CHECK(transactions->size() <= page.items && page.items <= size, "more transactions than items or bytes");
    for (const WireTransaction& t : *transactions) {
      FUZZ_CHECK(t.id > 0 && t.type.size() + t.creator_name.size() <= size, "a transaction larger than its page");
    }
  } else {
    CheckError(transactions);
  }
  if (auto tickets = ParseTicketPage(body, &page)) {
    FUZZ_CHECK(tickets->size() <= page.items && page.items <= size, "more tickets than items or bytes");
    for (const WireTicket& ticket : *tickets) FUZZ_CHECK(IsTicketId(ticket.id), ticket.id);
  } else {
    CheckError(tickets);
  }
  if (auto ticket = ParseTicket(body, "slackdesk")) {
    FUZZ_CHECK(IsTicketId(ticket->id) && ticket->marker_values.size() <= size, ticket->id);
  } else {
    CheckError(ticket);
  }
  if (auto text = ParseAttachmentContent(body)) {
    FUZZ_CHECK(text->size() <= size, "a message larger than its body");
  } else {
    CheckError(text);
  }
  if (auto parts = ParseAttachmentPage(body, &page)) {
    FUZZ_CHECK(parts->size() <= page.items && page.items <= size, "more attachments than items or bytes");
    for (const WireAttachment& part : *parts) FUZZ_CHECK(IsTicketId(part.id) && part.size >= 0, part.id);
  } else {
    CheckError(parts);
  }
  // The decoder, fed in two pieces: never more out than 3 bytes per 4 in,
  // and a refusal says why.
  ContentDecoder decoder;
  std::string decoded;
  bool fed = decoder.Feed(body.substr(0, size / 2), decoded) && decoder.Feed(body.substr(size / 2), decoded);
  FUZZ_CHECK(decoded.size() <= size / 4 * 3 + 3, "more decoded than base64 read");
  FUZZ_CHECK(fed || !decoder.Error().empty(), "a refusal that does not say why");
  CheckError(ParseCreatedId(body));
  CheckError(ParseUser(body));
  CheckError(ParseQueue(body));
  (void)ErrorMessage(body);
  if (auto id = IdFromLocation(body, "transaction")) FUZZ_CHECK(IsTicketId(*id), *id);

  ParsedMessage message = ParseMessage(body);
  FUZZ_CHECK(message.marker.find('\n') == std::string::npos, message.marker);
  std::string plain = RenderPlain(message.body);
  FUZZ_CHECK(plain.size() <= kMaxTextBytes, "a rendered message past the bound");
  for (char ch : plain) {
    auto u = static_cast<unsigned char>(ch);
    FUZZ_CHECK(u >= 0x20 || ch == '\n' || ch == '\t', plain);
    FUZZ_CHECK(u != 0x7f, plain);
  }
  return 0;
}
