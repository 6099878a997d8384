#include "daemon_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "util/strings.h"

namespace fake {

DaemonProcess::DaemonProcess(const std::string& binary, const std::vector<std::string>& args, const Env& env,
                             std::string echo_prefix)
    : echo_prefix_(std::move(echo_prefix)) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return;
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  if (env.find("PATH") == env.end()) env_strings.push_back("PATH=/usr/bin:/bin");
  std::vector<char*> envp;
  for (auto& item : env_strings) envp.push_back(item.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& item : argv_strings) argv.push_back(item.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // A test or the simulator that dies (an abort, a failed REQUIRE in a
    // forked helper, a SIGKILL from ctest's timeout) must not leave its
    // daemon or RT behind: they would keep ports, files and inherited
    // descriptors such as a build lock. SIGTERM, so an rt-server master
    // still stops its workers. If the parent is already gone, stop now.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    dup2(pipe_fds[1], 1);  // stdout and stderr both land in Lines()
    dup2(pipe_fds[1], 2);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execve(binary.c_str(), argv.data(), envp.data());
    std::fprintf(stderr, "exec %s: %s\n", binary.c_str(), std::strerror(errno));
    _exit(127);
  }
  close(pipe_fds[1]);
  reader_ = std::thread([this, fd = pipe_fds[0]] { ReadStderr(fd); });
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0 && Wait(std::chrono::milliseconds(0)) == -1) {
    kill(pid_, SIGKILL);
    Wait(std::chrono::milliseconds(10000));
  }
  if (reader_.joinable()) reader_.join();
}

void DaemonProcess::ReadStderr(int fd) {
  std::string partial;
  char buffer[4096];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    partial.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = partial.find('\n')) != std::string::npos) {
      std::string line = partial.substr(0, newline);
      partial.erase(0, newline + 1);
      if (!echo_prefix_.empty()) std::fprintf(stderr, "%s%s\n", echo_prefix_.c_str(), line.c_str());
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back(std::move(line));
      changed_.notify_all();
    }
  }
  close(fd);
}

void DaemonProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int DaemonProcess::Wait(std::chrono::milliseconds timeout) {
  if (exited_) return exit_status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exited_ = true;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    // waitpid has no timeout; the stderr pipe closing is the exit's event.
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(5));
  }
}

int DaemonProcess::WaitForLog(const std::string& text, std::chrono::milliseconds timeout, size_t from) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t checked = from;
  while (true) {
    for (; checked < lines_.size(); ++checked) {
      if (lines_[checked].find(text) != std::string::npos) return static_cast<int>(checked);
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; checked < lines_.size(); ++checked) {
        if (lines_[checked].find(text) != std::string::npos) return static_cast<int>(checked);
      }
      return -1;
    }
  }
}

std::vector<std::string> DaemonProcess::Lines() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lines_;
}

size_t DaemonProcess::LineCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lines_.size();
}

long DaemonProcess::PeakRssKib() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (util::StartsWith(line, "VmHWM:")) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

double DaemonProcess::CpuMillis() const {
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name in parentheses may hold spaces: fields count from after it.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state … cmajflt (fields 3-13)
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace fake
