#include "app/form_opener.h"

#include "slack/forms.h"
#include "util/log.h"

namespace app {

FormOpener::FormOpener(slack::web_api::WebApiClient& slack, FormCatalog& catalog) : slack_(slack), catalog_(catalog) {}

void FormOpener::Open(const bridge::OpenForm& form, const config::ChannelRoute& route) {
  const bridge::ThreadRef& thread = form.thread;
  bridge::RequestTarget target{route.desk_id, route.type_ids.empty() ? "" : route.type_ids.front()};
  std::string body;
  auto type = catalog_.Get(target);
  if (!type) {
    util::log::Warn("channel={} thread={}: the request form of type {} in desk {} could not be read: {}",
                    thread.channel, thread.thread_ts, target.type_id, target.desk_id, type.error().message);
    body = slack::FormNoticeView(form.trigger_id,
                                 "Sorry, the request form could not be loaded from the helpdesk just now. "
                                 "Please press the button again in a minute.");
  } else if (const bridge::FormField* field = bridge::FirstUnofferable(*type)) {
    util::log::Error(
        "channel={}: request type '{}' requires the field '{}' ({}, type {}), which a Slack form cannot "
        "ask for; the customer was told (slackdesk check names it too)",
        thread.channel, type->name, field->name, field->id, field->type_name);
    body = slack::FormNoticeView(form.trigger_id, UnofferableNotice(*type, *field));
  } else {
    util::log::Info("channel={} thread={}: opening the request form ({})", thread.channel, thread.thread_ts,
                    type->name);
    body = slack::RequestFormView(form.trigger_id, *type, bridge::FormPrefill{form.summary, form.description},
                                  bridge::FormMetadata{thread, type->target});
  }
  auto opened = slack_.Call("views.open", body);
  if (!opened) util::log::Warn("slack views.open: {}; the customer can press the button again", opened.error().message);
}

}  // namespace app
