// A blocking call tried on a worker until it settles, with backoff between
// tries; each result is handed to the loop thread. For the start-up calls
// (auth.test, the helpdesk's identity) that must succeed before the bridge
// can work, whatever the network does meanwhile.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "util/backoff.h"
#include "util/error.h"
#include "util/worker_pool.h"

namespace app {

// `settle` runs on the loop with each result and the delay before the next
// try; it returns true when done (success, or a failure retrying cannot
// mend). `stopping` is read on the loop: once true, nothing more is tried.
// Everything passed by reference must outlive the calls.
template <class T>
void RetryUntilSettled(boost::asio::io_context& io, util::WorkerPool& worker, std::function<util::Result<T>()> call,
                       std::function<bool(const util::Result<T>&, util::Millis next_delay)> settle, const bool& stopping,
                       int attempt = 1) {
  worker.Submit([&io, &worker, call, settle, &stopping, attempt] {
    util::Result<T> result = util::Catching("start-up call", call);
    boost::asio::post(io, [&io, &worker, call, settle, &stopping, attempt, result = std::move(result)] {
      if (stopping) return;
      util::Millis delay =
          util::BackoffDelay({util::Millis(1000), util::Millis(60000), 2.0}, attempt, util::UnitRandom());
      if (settle(result, delay)) return;
      auto timer = std::make_shared<boost::asio::steady_timer>(io, delay);
      timer->async_wait([&io, &worker, call, settle, &stopping, attempt, timer](const boost::system::error_code& ec) {
        if (!ec && !stopping) RetryUntilSettled<T>(io, worker, call, settle, stopping, attempt + 1);
      });
    });
  });
}

}  // namespace app
