#include "ui_thread.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace host {
namespace {

std::mutex queue_mutex;
std::condition_variable queue_cv;
std::deque<Task> queue;

thread_local bool t_ui_thread = false;

// UI thread only.
std::vector<TaskObserver*> observers;
bool quit_when_idle = false;

using Clock = std::chrono::steady_clock;
std::mutex timer_mutex;
std::condition_variable timer_cv;
std::multimap<Clock::time_point, Task> timers;
std::thread timer_thread;
bool timer_stop = false;

void TimerThreadMain() {
  std::unique_lock<std::mutex> lock(timer_mutex);
  while (!timer_stop) {
    if (timers.empty()) {
      timer_cv.wait(lock);
    } else if (timers.begin()->first <= Clock::now()) {
      Task task = std::move(timers.begin()->second);
      timers.erase(timers.begin());
      lock.unlock();
      PostTask(std::move(task));
      lock.lock();
    } else {
      timer_cv.wait_until(lock, timers.begin()->first);
    }
  }
}

// Runs the next task; returns false without waiting when `wait` is false and none is due.
bool RunOneTask(bool wait) {
  Task task;
  {
    std::unique_lock<std::mutex> lock(queue_mutex);
    if (!wait && queue.empty()) return false;
    queue_cv.wait(lock, [] { return !queue.empty(); });
    task = std::move(queue.front());
    queue.pop_front();
  }
  task();
  // A copy: an observer may be removed by what it runs.
  std::vector<TaskObserver*> told = observers;
  for (TaskObserver* observer : told) observer->DidProcessTask();
  return true;
}

}  // namespace

void BindUiThread() { t_ui_thread = true; }

bool OnUiThread() { return t_ui_thread; }

void CheckFailedOffUiThread(const char* what) {
  fprintf(stderr,
          "[electron-host] FATAL: %s called off the UI thread (thread %ld, UI thread %ld)\n"
          "Check failed: base::SingleThreadTaskRunner::HasCurrentDefault()\n",
          what, static_cast<long>(syscall(SYS_gettid)), static_cast<long>(getpid()));
  fflush(stderr);
  abort();
}

void PostTask(Task task) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex);
    queue.push_back(std::move(task));
  }
  queue_cv.notify_one();
}

void PostDelayedTask(Task task, int delay_ms) {
  std::lock_guard<std::mutex> lock(timer_mutex);
  if (timer_stop) return;
  if (!timer_thread.joinable()) timer_thread = std::thread(TimerThreadMain);
  timers.emplace(Clock::now() + std::chrono::milliseconds(std::max(delay_ms, 0)), std::move(task));
  timer_cv.notify_one();
}

void AddTaskObserver(TaskObserver* observer) { observers.push_back(observer); }

void RemoveTaskObserver(TaskObserver* observer) {
  observers.erase(std::remove(observers.begin(), observers.end(), observer), observers.end());
}

void RunMainLoop() {
  for (;;) {
    if (!RunOneTask(!quit_when_idle)) return;
  }
}

void QuitMainLoopWhenIdle() { quit_when_idle = true; }

void RunNestedLoop(const std::function<bool()>& done) {
  std::vector<TaskObserver*> told = observers;
  for (TaskObserver* observer : told) observer->WillRunNestedLoop();
  while (!done()) RunOneTask(true);
}

void StopTimerThread() {
  {
    std::lock_guard<std::mutex> lock(timer_mutex);
    timer_stop = true;
    timers.clear();
  }
  timer_cv.notify_one();
  if (timer_thread.joinable()) timer_thread.join();
}

}  // namespace host
