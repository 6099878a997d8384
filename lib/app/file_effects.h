// Carries out CopyFiles: the files of one Slack message, downloaded as the
// bot into nameless temporary files (one at a time, so memory and disk stay
// bounded by one file whatever the count and size), uploaded to the
// helpdesk, then attached to the ticket with one public comment that names
// who shared them and every file not copied (too large, refused, Slack's
// sign-in page). A file that cannot be copied never stops the others.
//
// Exactly once: the one write that matters is the attach (or, when
// nothing could be uploaded, the comment alone), carrying the effect's
// marker. An intent interrupted before it (a SIGKILL while downloading or
// uploading) is run again from the start: uploads never attached are
// dropped by the helpdesk. One interrupted after it is found by its marker
// (`reconcile`) and not repeated. Runs on helpdesk worker threads.
#pragma once

#include <variant>
#include <vector>

#include "app/outcome.h"
#include "app/slack_directory.h"
#include "bridge/actions.h"
#include "helpdesk/helpdesk.h"
#include "slack/web_api/file_download.h"
#include "util/clock.h"
#include "util/http/http_client.h"

namespace app {

class FileEffects {
 public:
  // All must outlive this object. `temp_dir`: where downloads wait for
  // their upload ("" : $TMPDIR, else /tmp).
  // `api`: the bot's Web API, for files.info of a stub (Slack Connect).
  // `sign_in_pause`: how long to wait before fetching a file once more
  // when Slack answered its sign-in page (it does so for a moment after a
  // share, files-and-edits.md §2).
  FileEffects(helpdesk::Helpdesk& helpdesk, SlackDirectory& directory, util::http::HttpClient& http,
              slack::web_api::WebApiClient& api, slack::FileDownloadOptions download, std::string temp_dir = {},
              util::Duration sign_in_pause = std::chrono::seconds(2));

  // Outcome: FilesCopied with the files that did not reach the ticket.
  Outcome Run(const bridge::CopyFiles& effect, bool reconcile);

 private:
  // What the event alone says cannot be copied (no contents offered, over
  // the limit): known again after a crash without fetching anything.
  static std::optional<bridge::NotCopied> Foreseen(const bridge::SharedFile& file, long long limit,
                                                   const std::string& helpdesk);

  helpdesk::Helpdesk& helpdesk_;
  SlackDirectory& directory_;
  // A stub's whole object from files.info; the NotCopied when Slack will
  // not tell (the error when that may change later).
  util::Result<std::variant<bridge::SharedFile, bridge::NotCopied>> Complete(const bridge::SharedFile& file);

  util::http::HttpClient& http_;
  slack::web_api::WebApiClient& api_;
  const slack::FileDownloadOptions download_;
  const std::string temp_dir_;
  const util::Duration sign_in_pause_;
};

}  // namespace app
