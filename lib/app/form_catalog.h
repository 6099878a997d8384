// The request types the forms are built from, read from the helpdesk and
// kept for an hour (or until SIGHUP clears them), so a click opens its form
// within Slack's 3 s without waiting for the helpdesk each time, and an
// admin's change to a request type shows within the hour. Thread-safe: the
// form worker reads it, the loop clears it.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "bridge/request_type.h"
#include "helpdesk/helpdesk.h"
#include "util/clock.h"
#include "util/error.h"

namespace app {

class FormCatalog {
 public:
  static constexpr util::Millis kMaxAge{60 * 60 * 1000};

  // `helpdesk` must outlive this object; `now` is injectable for tests.
  explicit FormCatalog(helpdesk::Helpdesk& helpdesk, std::function<util::TimePoint()> now = util::SteadyClock::now);

  // The request type `target` names: the copy read within kMaxAge, else
  // read now (a failure is not kept: the next form asks again).
  util::Result<bridge::RequestType> Get(const bridge::RequestTarget& target);
  // Forgets every request type: the next form of each reads it again.
  void Clear();

 private:
  struct Entry {
    bridge::RequestType type;
    util::TimePoint read_at;
  };

  helpdesk::Helpdesk& helpdesk_;
  std::function<util::TimePoint()> now_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Entry> types_;  // guarded by mutex_, by (desk, type)
};

// What `check` says of a request type's form: the fields it asks for and
// how many optional ones it leaves out; an error (kInvalidInput) naming
// the first required field no form can ask for.
util::Result<std::string> DescribeForm(const bridge::RequestType& type);

// What the customer reads instead of a form that cannot be offered: which
// field stops it and who can help.
std::string UnofferableNotice(const bridge::RequestType& type, const bridge::FormField& field);

}  // namespace app
