// Opens the request form when the button is pressed (views.open within the
// trigger's 3 s): the channel's route decides the service desk and request
// type, the catalog gives the type's fields, slack/forms.h builds the
// modal. A type that cannot be raised from Slack, or a helpdesk that does
// not answer, opens a modal that says so and what to do instead: the
// button never leads nowhere. Runs on the form worker (calls block).
#pragma once

#include "app/form_catalog.h"
#include "bridge/actions.h"
#include "config/config.h"
#include "slack/forms.h"
#include "slack/web_api/web_api_client.h"

namespace app {

class FormOpener {
 public:
  // `slack` and `catalog` must outlive this object.
  FormOpener(slack::web_api::WebApiClient& slack, FormCatalog& catalog);

  // `route` is where the form's channel sends requests now. Failures are
  // logged; nothing is retried, since the trigger dies in 3 s (the
  // customer can press the button again).
  void Open(const bridge::OpenForm& form, const config::ChannelRoute& route);
  // views.update of the open form for the type chosen in it, keeping what
  // was typed; a type the route does not offer (a forged choice) is
  // refused.
  void Update(const bridge::UpdateForm& update, const config::ChannelRoute& route);

 private:
  // The route's types as a form's choice (value: id, label: name); none
  // when it has one.
  std::vector<bridge::FieldOption> Choices(const config::ChannelRoute& route);
  // The form body for `content.type`, or the notice that replaces it when
  // the helpdesk cannot say what it is or no form can raise it.
  std::string Body(const bridge::ThreadRef& thread, const util::Result<bridge::RequestType>& type,
                   slack::FormContent content, const std::string& trigger_id, const std::string& view_id,
                   const std::string& hash);

  slack::web_api::WebApiClient& slack_;
  FormCatalog& catalog_;
};

}  // namespace app
