// How Electron's browser process drives libuv (shell/common/node_bindings.cc,
// node_bindings_linux.cc): Node's loop is never spun by Node (no SpinEventLoop). An embed
// thread waits on a semaphore, then polls uv_backend_fd() with uv_backend_timeout() and
// posts UvRunOnce to the UI thread; UvRunOnce runs uv_run(UV_RUN_NOWAIT) and posts the
// semaphore: the two go in lock-step.
#pragma once

#include <node.h>
#include <uv.h>

#include <atomic>
#include <thread>

#include "ui_thread.h"

namespace host {

class NodeBindings : public TaskObserver {
 public:
  explicit NodeBindings(uv_loop_t* loop);

  uv_loop_t* uv_loop() const { return loop_; }
  void set_uv_env(v8::Isolate* isolate, v8::Local<v8::Context> context);
  void clear_uv_env();

  // NodeBindings::PrepareEmbedThread + StartPolling (ElectronBrowserMainParts::
  // PreMainMessageLoopRun).
  void PrepareEmbedThread();
  void StartPolling();
  // ~NodeBindings: after the isolate is gone.
  void StopPolling();

  // process.activateUvLoop() (ElectronBindings::ActivateUVLoop): lib/common/init.ts
  // calls it from its setTimeout/setInterval/setImmediate/nextTick wrappers.
  void ActivateUvLoop();

  // The wake: see WakeIfPollIsStale.
  void DidProcessTask() override;
  void WillRunNestedLoop() override;
  void WakeIfPollIsStale();

 private:
  enum PollState : int { kParked, kComputing, kPolling };

  static void EmbedThreadRunner(NodeBindings* self);
  void PollEvents();
  void UvRunOnce();
  void WakeupMainThread();
  void WakeupEmbedThread();
  static void OnCallNextTick(uv_async_t* handle);

  uv_loop_t* loop_;
  v8::Isolate* isolate_ = nullptr;
  v8::Global<v8::Context> context_;
  uv_async_t dummy_uv_handle_;
  uv_async_t call_next_tick_;
  std::atomic<bool> next_tick_pending_{false};
  uv_sem_t embed_sem_;
  std::thread embed_thread_;
  std::atomic<bool> embed_closed_{false};
  bool polling_ = false;
  int epoll_ = -1;
  std::atomic<int> poll_state_{kParked};
  // The loop time the embed thread will stop waiting at (uv_now() + its timeout), -1
  // for "until an event".
  std::atomic<int64_t> poll_deadline_{-1};
};

}  // namespace host
