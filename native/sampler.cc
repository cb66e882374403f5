#include "sampler.h"

#include "monitor.h"

namespace tendril {

static_assert(sizeof(void*) >= sizeof(uint64_t), "the turn word travels as the interrupt's data");

void Sampler::Tick(uint64_t turn) {
  if (pending_.load(std::memory_order_acquire) == turn) return;
  pending_.store(turn, std::memory_order_release);
  v8api::RequestInterrupt(isolate_, OnInterrupt, reinterpret_cast<void*>(static_cast<uintptr_t>(turn)));
}

void Sampler::OnInterrupt(v8api::Isolate* isolate, void* data) {
  Monitor* monitor = Monitor::ForThisThread();
  if (monitor == nullptr) return;
  uint64_t asked = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(data));
  const uint64_t turn = asked;
  monitor->sampler().pending_.compare_exchange_strong(asked, 0, std::memory_order_acq_rel);
  // Only in the turn it was asked in: a later turn has a request of its own, and the
  // main greenlet is sampled by V8 itself.
  if (monitor->turn() == turn && Turn::Greenlet(turn)) v8api::CollectSample(isolate);
}

}  // namespace tendril
