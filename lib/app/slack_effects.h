// Carries out the core's Slack side effects over the Web API: posts
// (rendered by slack/render.h; a long agent comment is several posts),
// ephemeral notes, confirmation updates and the form's pre-fill (the form
// itself: form_opener.h). Runs on worker threads (calls block); keeps no state but the
// directory's cache. When `reconcile` is set the effect was attempted
// before with an unknown outcome: the thread is searched for the posts'
// metadata keys first, and only what is missing is posted.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/outcome.h"
#include "app/slack_directory.h"
#include "bridge/actions.h"
#include "slack/web_api/web_api_client.h"

namespace app {

class SlackEffects {
 public:
  // `slack` and `directory` must outlive this object.
  SlackEffects(slack::web_api::WebApiClient& slack, SlackDirectory& directory);

  Outcome Run(const bridge::PrepareForm& effect);
  Outcome Run(const bridge::PostMessage& effect, bool reconcile);
  Outcome Run(const bridge::PostEphemeral& effect);
  Outcome Run(const bridge::UpdateConfirmation& effect);
  // chat.update of each post: it sets a state, so a repeat after a crash
  // changes nothing (no reconcile needed).
  Outcome Run(const bridge::UpdateRelay& effect);

 private:
  // The ts of the thread's messages carrying any of `keys` as metadata.
  util::Result<std::map<std::string, std::string>> FindPosted(const bridge::ThreadRef& thread,
                                                              const std::vector<std::string>& keys);

  slack::web_api::WebApiClient& slack_;
  SlackDirectory& directory_;
};

}  // namespace app
