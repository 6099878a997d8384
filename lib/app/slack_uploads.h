// Carries out UploadToSlack: an agent's public attachment fetched from the
// helpdesk into a nameless temporary file beside the state file (on disk,
// never whole in memory), then into the Slack thread in Slack's three
// steps. A file too large for Slack, refused by either side, or empty
// comes back as not copied, which the core tells in one line.
//
// Exactly once: the fetch, files.getUploadURLExternal and the bytes are
// the preparation (a crash there leaves the intent pending: it starts
// again, and Slack discards the upload never completed); the Slack file id
// is then recorded with the intent in the commit that marks it attempted
// (Outcome::Ready's `progressed`), and files.completeUploadExternal, which
// can be called once, follows. An intent found attempted asks files.info
// whether that file reached the channel: shared, done; gone (never
// completed), uploaded afresh; there but not shared, completed now.
// Runs on Slack worker threads.
#pragma once

#include <string>

#include "app/outcome.h"
#include "bridge/actions.h"
#include "helpdesk/helpdesk.h"
#include "slack/web_api/web_api_client.h"
#include "util/clock.h"
#include "util/http/http_client.h"

namespace app {

class SlackUploads {
 public:
  // All must outlive this object. `temp_dir`: where files wait between
  // the helpdesk and Slack ("" : $TMPDIR, else /tmp). `limit`: the largest
  // file sent to Slack.
  SlackUploads(helpdesk::Helpdesk& helpdesk, util::http::HttpClient& http, slack::web_api::WebApiClient& api,
               std::string temp_dir, long long limit);

  Outcome Run(const bridge::UploadToSlack& effect, bool reconcile);

 private:
  Outcome Complete(const bridge::UploadToSlack& effect);
  static Outcome NotCopied(const bridge::UploadToSlack& effect, bridge::NotCopied why);

  helpdesk::Helpdesk& helpdesk_;
  util::http::HttpClient& http_;
  slack::web_api::WebApiClient& api_;
  const std::string temp_dir_;
  const long long limit_;
};

}  // namespace app
