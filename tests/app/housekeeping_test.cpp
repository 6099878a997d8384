// Housekeeping's watchdog over a real $NOTIFY_SOCKET: pinged while the
// daemon is healthy, not while a part is stuck (a sync of the state file
// that never returns, though the loop runs on), and again once it is not.
#include "app/housekeeping.h"

#include <stdlib.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "notify_socket.h"
#include "store/store.h"
#include "test_support.h"

namespace {

using std::chrono::milliseconds;

// Polls `done` until it holds or 10 s passed.
template <typename Fn>
bool Eventually(Fn done) {
  auto deadline = std::chrono::steady_clock::now() + milliseconds(10000);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

TEST_CASE("the watchdog is not pinged while a part is stuck, and is again once it is not", "[housekeeping]") {
  testing::TempDir dir;
  testing::NotifySocket notify(dir.File("notify.sock"));
  REQUIRE(setenv("NOTIFY_SOCKET", dir.File("notify.sock").c_str(), 1) == 0);
  testing::LogCapture log;
  auto store = std::move(*store::Store::Open(dir.File("state.db")));
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread loop([&] { io.run(); });

  std::optional<std::string> stuck;  // loop thread
  std::atomic<int> asked{0};         // how often the watchdog's tick asked
  app::Housekeeping housekeeping(io, *store);
  testing::OnLoop(io, [&] {
    housekeeping.Start(milliseconds(10), [&] {
      ++asked;
      return stuck;
    });
    return 0;
  });
  REQUIRE(notify.WaitFor("WATCHDOG=1", milliseconds(10000)));

  int asked_before = testing::OnLoop(io, [&] {
    stuck = "state database: the disk has not confirmed a write for 11 s";
    return asked.load();
  });
  // Once a tick has seen it stuck, the pings sent before are all here.
  REQUIRE(log.WaitFor("no longer telling systemd's watchdog"));
  notify.Drain();
  int pings = notify.Count("WATCHDOG=1");
  REQUIRE(Eventually([&] { return asked >= asked_before + 6; }));
  notify.Drain();
  CHECK(notify.Count("WATCHDOG=1") == pings);  // five ticks, no ping
  CHECK(log.Has(util::log::Level::kError,
                "state database: the disk has not confirmed a write for 11 s; no longer telling systemd's watchdog "
                "that slackdesk is alive"));

  testing::OnLoop(io, [&] {
    stuck.reset();
    return 0;
  });
  REQUIRE(Eventually([&] {
    notify.Drain();
    return notify.Count("WATCHDOG=1") > pings;
  }));

  testing::OnLoop(io, [&] {
    housekeeping.Stop();
    return 0;
  });
  io.stop();
  loop.join();
  unsetenv("NOTIFY_SOCKET");
}

}  // namespace
