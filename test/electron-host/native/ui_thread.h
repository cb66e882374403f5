// The UI thread as Chromium runs it for Electron's browser process: one task queue that
// any thread may post to, a main run loop, nested run loops (base::RunLoop with
// kNestableTasksAllowed, as sync dialogs run), task observers told after every task
// (Electron's MicrotasksRunner is one), and the thread check behind
// base::SingleThreadTaskRunner::GetCurrentDefault(), a release-build CHECK.
#pragma once

#include <functional>

namespace host {

using Task = std::function<void()>;

class TaskObserver {
 public:
  virtual ~TaskObserver() = default;
  // After every task the UI thread ran, nested loops included (base::TaskObserver).
  virtual void DidProcessTask() = 0;
  // When a nested run loop starts, before it waits for its first task.
  virtual void WillRunNestedLoop() {}
};

// Makes the calling thread the UI thread (the one with a task runner).
void BindUiThread();
// base::SingleThreadTaskRunner::HasCurrentDefault(): true on the UI thread only.
bool OnUiThread();
// What Chromium's CHECK does when a UI-thread API runs elsewhere: the process dies.
[[noreturn]] void CheckFailedOffUiThread(const char* what);

// From any thread.
void PostTask(Task task);
// From any thread: a timer thread posts the task once `delay_ms` have passed, so the
// task always reaches the UI thread from another thread (like an IPC message).
void PostDelayedTask(Task task, int delay_ms);

void AddTaskObserver(TaskObserver* observer);
void RemoveTaskObserver(TaskObserver* observer);

// The main run loop: runs tasks until QuitMainLoopWhenIdle() has run and no task is left.
void RunMainLoop();
// RunLoop::QuitWhenIdleClosure(); Electron posts it as a task (RunQuitClosure).
void QuitMainLoopWhenIdle();
// A nested run loop allowing nestable tasks: runs tasks until `done()` is true after one.
void RunNestedLoop(const std::function<bool()>& done);

// At process end: drops timers not yet due.
void StopTimerThread();

}  // namespace host
