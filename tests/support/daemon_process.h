// Runs the real slackdesk binary as a child process for end-to-end tests,
// the simulator and the benchmarks: a chosen environment (so no file is
// needed), stderr captured line by line so callers can wait for log lines,
// signals, and a bounded wait for the exit status.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fake {

class DaemonProcess {
 public:
  using Env = std::map<std::string, std::string>;

  // Starts `binary args…` with exactly `env` as its environment (plus PATH).
  // `echo` also copies every stderr line to this process's stderr, prefixed.
  // The child gets SIGTERM when the thread that made this object ends (the
  // kernel's parent-death signal follows the creating thread): make it on
  // a thread that outlives it, as every test's main thread does.
  DaemonProcess(const std::string& binary, const std::vector<std::string>& args, const Env& env,
                std::string echo_prefix = {});
  // Kills the child (SIGKILL) if it still runs.
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  int pid() const { return pid_; }
  void Signal(int signal);
  // Waits for the exit; returns the exit code, 128+N when killed by signal
  // N, or -1 when it did not exit within `timeout`.
  int Wait(std::chrono::milliseconds timeout);
  // Waits until an output line (stdout or stderr) containing `text` has appeared (at or after
  // line index `from`); returns its index or -1 after `timeout`.
  int WaitForLog(const std::string& text, std::chrono::milliseconds timeout, size_t from = 0);
  std::vector<std::string> Lines() const;
  size_t LineCount() const;
  // Peak resident memory (VmHWM) in KiB, read from /proc while it runs.
  long PeakRssKib() const;
  // CPU time the process has used so far (user + system), from /proc.
  double CpuMillis() const;

 private:
  void ReadStderr(int fd);

  int pid_ = -1;
  int exit_status_ = -1;
  bool exited_ = false;
  std::string echo_prefix_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

}  // namespace fake
