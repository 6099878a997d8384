#include "app/form_opener.h"

#include <algorithm>

#include "slack/forms.h"
#include "util/log.h"

namespace app {

FormOpener::FormOpener(slack::web_api::WebApiClient& slack, FormCatalog& catalog) : slack_(slack), catalog_(catalog) {}

std::vector<bridge::FieldOption> FormOpener::Choices(const config::ChannelRoute& route) {
  std::vector<bridge::FieldOption> choices;
  if (route.type_ids.size() < 2) return choices;
  for (const std::string& id : route.type_ids) {
    auto type = catalog_.Get(bridge::RequestTarget{route.desk_id, id});
    // A type the helpdesk does not describe now is still offered by its id:
    // choosing it says what is wrong.
    choices.push_back(bridge::FieldOption{id, type && !type->name.empty() ? type->name : "Request type " + id});
  }
  return choices;
}

std::string FormOpener::Body(const bridge::ThreadRef& thread, const util::Result<bridge::RequestType>& type,
                             slack::FormContent content, const std::string& trigger_id, const std::string& view_id,
                             const std::string& hash) {
  const bridge::RequestTarget& target = content.metadata.target;
  if (!type) {
    util::log::Warn("channel={} thread={}: the request form of type {} in desk {} could not be read: {}",
                    thread.channel, thread.thread_ts, target.type_id, target.desk_id, type.error().message);
    return slack::FormNoticeView(trigger_id,
                                 "Sorry, the request form could not be loaded from the helpdesk just now. "
                                 "Please press the button again in a minute.",
                                 view_id, hash);
  }
  if (const bridge::FormField* field = bridge::FirstUnofferable(*type)) {
    util::log::Error(
        "channel={}: request type '{}' requires the field '{}' ({}, type {}), which a Slack form cannot "
        "ask for; the customer was told (slackdesk check names it too)",
        thread.channel, type->name, field->name, field->id, field->type_name);
    return slack::FormNoticeView(trigger_id, UnofferableNotice(*type, *field), view_id, hash);
  }
  util::log::Info("channel={} thread={}: {} the request form ({})", thread.channel, thread.thread_ts,
                  view_id.empty() ? "opening" : "changing the type of", type->name);
  content.type = *type;
  content.metadata.target = type->target;
  return view_id.empty() ? slack::RequestFormView(trigger_id, content)
                         : slack::RequestFormUpdate(view_id, hash, content);
}

void FormOpener::Open(const bridge::OpenForm& form, const config::ChannelRoute& route) {
  bridge::RequestTarget target{route.desk_id, route.type_ids.empty() ? "" : route.type_ids.front()};
  slack::FormContent content{{},
                             Choices(route),
                             bridge::FormPrefill{form.summary, form.description},
                             {},
                             bridge::FormMetadata{form.thread, target, form.mention_ts}};
  std::string body = Body(form.thread, catalog_.Get(target), std::move(content), form.trigger_id, "", "");
  auto opened = slack_.Call("views.open", body);
  if (!opened) util::log::Warn("slack views.open: {}; the customer can press the button again", opened.error().message);
}

void FormOpener::Update(const bridge::UpdateForm& update, const config::ChannelRoute& route) {
  const std::vector<std::string>& offered = route.type_ids;
  if (update.target.desk_id != route.desk_id ||
      std::find(offered.begin(), offered.end(), update.target.type_id) == offered.end()) {
    util::log::Warn("channel={}: request type {} in desk {} chosen in view {} is not one its route offers; ignored",
                    update.thread.channel, update.target.type_id, update.target.desk_id, update.view_id);
    return;
  }
  slack::FormContent content{{},
                             Choices(route),
                             bridge::FormPrefill{update.summary, update.description},
                             update.typed,
                             bridge::FormMetadata{update.thread, update.target, update.mention_ts}};
  std::string body =
      Body(update.thread, catalog_.Get(update.target), std::move(content), "", update.view_id, update.view_hash);
  auto updated = slack_.Call("views.update", body);
  if (!updated)
    util::log::Warn("slack views.update: {}; the customer can choose the type again", updated.error().message);
}

}  // namespace app
