#include "node_bindings.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

namespace host {

NodeBindings::NodeBindings(uv_loop_t* loop) : loop_(loop) {
  // ElectronBindings makes this handle before the app's code runs: timers and ticks
  // scheduled while it loads call process.activateUvLoop() too.
  uv_async_init(loop_, &call_next_tick_, OnCallNextTick);
  call_next_tick_.data = this;
}

void NodeBindings::set_uv_env(v8::Isolate* isolate, v8::Local<v8::Context> context) {
  isolate_ = isolate;
  context_.Reset(isolate, context);
}

// node_bindings_->set_uv_env(nullptr) before the environment is freed.
void NodeBindings::clear_uv_env() {
  context_.Reset();
  isolate_ = nullptr;
}

void NodeBindings::PrepareEmbedThread() {
  // "Add dummy handle for libuv, otherwise libuv would quit when there is nothing to do."
  uv_async_init(loop_, &dummy_uv_handle_, nullptr);
  uv_sem_init(&embed_sem_, 0);
  // NodeBindingsLinux: an epoll set holding the loop's backend fd.
  epoll_ = epoll_create(1);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = uv_backend_fd(loop_);
  epoll_ctl(epoll_, EPOLL_CTL_ADD, uv_backend_fd(loop_), &ev);
  AddTaskObserver(this);
  embed_thread_ = std::thread(EmbedThreadRunner, this);
}

void NodeBindings::StartPolling() {
  polling_ = true;
  // "Run uv loop for once to give the uv__io_poll a chance to add all events."
  UvRunOnce();
}

void NodeBindings::StopPolling() {
  if (!embed_thread_.joinable()) return;
  RemoveTaskObserver(this);
  embed_closed_ = true;
  uv_sem_post(&embed_sem_);
  WakeupEmbedThread();
  embed_thread_.join();
}

void NodeBindings::EmbedThreadRunner(NodeBindings* self) {
  for (;;) {
    uv_sem_wait(&self->embed_sem_);
    if (self->embed_closed_) break;
    self->PollEvents();
    if (self->embed_closed_) break;
    self->WakeupMainThread();
  }
}

// NodeBindingsLinux::PollEvents, with the deadline published for WakeIfPollIsStale.
void NodeBindings::PollEvents() {
  poll_state_.store(kComputing);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  int timeout = uv_backend_timeout(loop_);
  poll_deadline_.store(timeout < 0 ? -1 : static_cast<int64_t>(uv_now(loop_)) + timeout);
  poll_state_.store(kPolling);
  int r;
  do {
    epoll_event ev;
    r = epoll_wait(epoll_, &ev, 1, timeout);
  } while (r == -1 && errno == EINTR);
  poll_state_.store(kParked);
}

void NodeBindings::UvRunOnce() {
  if (isolate_ == nullptr) return;
  v8::HandleScope handle_scope(isolate_);
  // "Enter node context while dealing with uv events."
  v8::Context::Scope context_scope(context_.Get(isolate_));
  // Electron also opens an ExplicitMicrotasksScope here: the policy is kExplicit already.
  uv_run(loop_, UV_RUN_NOWAIT);
  // "Tell the worker thread to continue polling."
  uv_sem_post(&embed_sem_);
}

void NodeBindings::WakeupMainThread() {
  PostTask([this] { UvRunOnce(); });
}

void NodeBindings::WakeupEmbedThread() { uv_async_send(&dummy_uv_handle_); }

// Electron patches libuv (UV_LOOP_INTERRUPT_ON_IO_CHANGE) so that starting, stopping or
// feeding a handle or watcher outside UvRunOnce wakes the embed thread at once, and it
// polls again with a fresh uv_backend_timeout(). This binary's libuv is not patched; the
// same effect: whenever JavaScript has run outside UvRunOnce (after each task, before a
// nested loop waits, after 'ready'), if the embed thread is polling with a deadline the
// loop has since moved earlier (a handle started, a watcher queued, a timer due sooner),
// wake it. That is soon enough: what the embed thread posts runs after the current task
// in either case.
void NodeBindings::WakeIfPollIsStale() {
  if (!polling_ || embed_closed_) return;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  int state;
  while ((state = poll_state_.load()) == kComputing) std::this_thread::yield();
  // Parked: it re-reads the loop before it polls again.
  if (state != kPolling) return;
  int64_t deadline = poll_deadline_.load();
  int timeout = uv_backend_timeout(loop_);
  if (timeout < 0) return;
  int64_t due = static_cast<int64_t>(uv_now(loop_)) + timeout;
  if (deadline >= 0 && due >= deadline) return;
  WakeupEmbedThread();
}

void NodeBindings::DidProcessTask() { WakeIfPollIsStale(); }

void NodeBindings::WillRunNestedLoop() { WakeIfPollIsStale(); }

void NodeBindings::ActivateUvLoop() {
  if (!next_tick_pending_.exchange(true)) uv_async_send(&call_next_tick_);
}

// ElectronBindings::OnCallNextTick: a callback scope, closed at once, runs the tick queue
// and the microtasks.
void NodeBindings::OnCallNextTick(uv_async_t* handle) {
  auto* self = static_cast<NodeBindings*>(handle->data);
  self->next_tick_pending_ = false;
  if (self->isolate_ == nullptr) return;
  v8::Isolate* isolate = self->isolate_;
  v8::HandleScope handle_scope(isolate);
  v8::Context::Scope context_scope(self->context_.Get(isolate));
  node::CallbackScope scope(isolate, v8::Object::New(isolate), {0, 0});
}

}  // namespace host
