// Probes of where garbage collection work runs (issue 11). Electron's main-process objects
// are cppgc objects (gin::Wrappable: Menu, Tray, NativeImage, ReplyChannel, ...) whose
// pre-finalizers and destructors must run on the UI thread, and older ones
// (gin::WrappableBase: BrowserWindow, WebContents) are held by weak V8 handles whose
// callbacks delete them. These stand-ins count the thread each of those runs on, and
// which thread ran each collection's atomic pause.
#include <cppgc/allocation.h>
#include <cppgc/garbage-collected.h>
#include <cppgc/prefinalizer.h>
#include <cppgc/visitor.h>
#include <v8-cppgc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>

#include "host.h"

namespace host {
namespace {

using v8::FunctionCallbackInfo;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::Value;

// One count per thread kind: the UI thread, and every other thread (carriers).
struct ByThread {
  std::atomic<uint64_t> ui{0};
  std::atomic<uint64_t> off{0};
  void Add(uint64_t n = 1) { (OnUiThread() ? ui : off) += n; }
};

ByThread pre_finalizers;
ByThread destructors;
ByThread first_weak_callbacks;
ByThread second_weak_callbacks;
ByThread full_gcs;   // atomic pauses of mark-compact collections
ByThread minor_gcs;  // scavenges
ByThread gc_micros;  // time inside collections (prologue to epilogue)
std::atomic<uint64_t> affine_live{0};

#if V8_MAJOR_VERSION >= 14
// V8 14 wraps only objects derived from v8::Object::Wrappable (itself garbage collected).
using AffineBase = v8::Object::Wrappable;
#else
class AffineBase : public cppgc::GarbageCollected<AffineBase> {
 public:
  virtual ~AffineBase() = default;
  virtual void Trace(cppgc::Visitor*) const {}
};
#endif

// A gin::Wrappable: a cppgc object, optionally with a JavaScript wrapper
// (v8::Object::Wrap, which V8 traces to it; it traces the wrapper back).
class Affine final : public AffineBase {
  CPPGC_USING_PRE_FINALIZER(Affine, PreFinalize);

 public:
  Affine() { affine_live++; }
  ~Affine() override {
    destructors.Add();
    affine_live--;
  }
  void PreFinalize() { pre_finalizers.Add(); }
  void Trace(cppgc::Visitor* visitor) const override { visitor->Trace(wrapper_); }
  v8::TracedReference<Object> wrapper_;

 private:
  char payload_[64] = {};
};

// A gin::WrappableBase: the native object a weak handle to its wrapper deletes
// (gin_helper's first pass resets the handle and asks for a second pass, which deletes).
struct WeakNative {
  v8::Global<Object> wrapper;
};

void SecondWeakCallback(const v8::WeakCallbackInfo<WeakNative>& info) {
  second_weak_callbacks.Add();
  delete info.GetParameter();
}

void FirstWeakCallback(const v8::WeakCallbackInfo<WeakNative>& info) {
  first_weak_callbacks.Add();
  info.GetParameter()->wrapper.Reset();
  info.SetSecondPassCallback(SecondWeakCallback);
}

// The object a UI-thread C++ frame holds only by a raw pointer (Electron code holding
// `this` of a wrappable while it calls into JavaScript).
class Held final : public cppgc::GarbageCollected<Held> {
  CPPGC_USING_PRE_FINALIZER(Held, PreFinalize);

 public:
  static constexpr uint64_t kMagic = 0x5a5a5a5a5a5a5a5aull;
  explicit Held(uint64_t id) : id_(id) {}
  ~Held();
  // Runs in the atomic pause of the collection that found the object dead.
  void PreFinalize();
  void Trace(cppgc::Visitor*) const {}
  uint64_t id() const { return id_; }
  uint64_t magic() const { return magic_; }

 private:
  uint64_t id_;
  uint64_t magic_ = kMagic;
};

std::mutex held_mutex;
std::set<uint64_t> held_dead;  // ids of Held objects a collection found unreachable
uint64_t next_held_id = 1;

void Held::PreFinalize() {
  std::lock_guard<std::mutex> lock(held_mutex);
  held_dead.insert(id_);
}

Held::~Held() { magic_ = 0; }

// A fresh Held object, and whether a collection has found it dead since.
uint64_t NewHeldId() {
  std::lock_guard<std::mutex> lock(held_mutex);
  return next_held_id++;
}

bool FoundDead(uint64_t id) {
  std::lock_guard<std::mutex> lock(held_mutex);
  return held_dead.count(id) != 0;
}

// Events delivered by emitHeld, and those whose held object was found dead meanwhile.
std::atomic<uint64_t> held_events{0};
std::atomic<uint64_t> held_events_dead{0};

thread_local std::chrono::steady_clock::time_point t_gc_started;

void GcPrologue(Isolate*, v8::GCType type, v8::GCCallbackFlags, void*) {
  if (type & v8::kGCTypeMarkSweepCompact) full_gcs.Add();
  if (type & (v8::kGCTypeScavenge | v8::kGCTypeMinorMarkSweep)) minor_gcs.Add();
  t_gc_started = std::chrono::steady_clock::now();
}

void GcEpilogue(Isolate*, v8::GCType, v8::GCCallbackFlags, void*) {
  auto spent = std::chrono::steady_clock::now() - t_gc_started;
  gc_micros.Add(std::chrono::duration_cast<std::chrono::microseconds>(spent).count());
}

constexpr v8::GCType kCollections = static_cast<v8::GCType>(
    v8::kGCTypeScavenge | v8::kGCTypeMinorMarkSweep | v8::kGCTypeMarkSweepCompact);

cppgc::AllocationHandle& Allocation(Isolate* isolate) {
  return isolate->GetCppHeap()->GetAllocationHandle();
}

int32_t CountArg(const FunctionCallbackInfo<Value>& info) {
  return info[0]->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
}

// allocAffine(n): n cppgc objects, garbage at once (created on the UI thread only, as
// Electron creates its objects).
void AllocAffine(const FunctionCallbackInfo<Value>& info) {
  if (!OnUiThread()) CheckFailedOffUiThread("allocAffine");
  int32_t n = CountArg(info);
  auto& allocation = Allocation(info.GetIsolate());
  for (int32_t i = 0; i < n; i++) cppgc::MakeGarbageCollected<Affine>(allocation);
}

Local<v8::FunctionTemplate> WrapperTemplate(Isolate* isolate) {
  static v8::Eternal<v8::FunctionTemplate> cached;
  if (cached.IsEmpty()) {
    Local<v8::FunctionTemplate> tmpl = v8::FunctionTemplate::New(isolate);
    tmpl->InstanceTemplate()->SetInternalFieldCount(1);
    cached.Set(isolate, tmpl);
  }
  return cached.Get(isolate);
}

// wrapAffine(n): an array of n JavaScript wrappers, each wrapping a cppgc object: they
// become garbage together when JavaScript drops the wrappers.
void WrapAffine(const FunctionCallbackInfo<Value>& info) {
  if (!OnUiThread()) CheckFailedOffUiThread("wrapAffine");
  Isolate* isolate = info.GetIsolate();
  Local<v8::Context> context = isolate->GetCurrentContext();
  int32_t n = CountArg(info);
  Local<v8::Function> constructor = WrapperTemplate(isolate)->GetFunction(context).ToLocalChecked();
  Local<v8::Array> wrappers = v8::Array::New(isolate, n);
  auto& allocation = Allocation(isolate);
  for (int32_t i = 0; i < n; i++) {
    Local<Object> wrapper = constructor->NewInstance(context).ToLocalChecked();
    Affine* affine = cppgc::MakeGarbageCollected<Affine>(allocation);
    affine->wrapper_.Reset(isolate, wrapper);
    Object::Wrap<v8::CppHeapPointerTag::kDefaultTag>(isolate, wrapper, affine);
    wrappers->Set(context, i, wrapper).Check();
  }
  info.GetReturnValue().Set(wrappers);
}

// weakNatives(n): an array of n JavaScript objects, each with a native object deleted by
// two-pass weak callbacks when the JavaScript object is collected.
void WeakNatives(const FunctionCallbackInfo<Value>& info) {
  if (!OnUiThread()) CheckFailedOffUiThread("weakNatives");
  Isolate* isolate = info.GetIsolate();
  Local<v8::Context> context = isolate->GetCurrentContext();
  int32_t n = CountArg(info);
  Local<v8::Array> objects = v8::Array::New(isolate, n);
  for (int32_t i = 0; i < n; i++) {
    Local<Object> object = Object::New(isolate);
    auto* native = new WeakNative;
    native->wrapper.Reset(isolate, object);
    native->wrapper.SetWeak(native, FirstWeakCallback, v8::WeakCallbackType::kParameter);
    objects->Set(context, i, object).Check();
  }
  info.GetReturnValue().Set(objects);
}

// holdAndCall(fn): calls fn while this UI-thread frame holds a fresh cppgc object only by
// a raw pointer. Returns whether the object was found dead during the call (Electron
// would then use freed memory) and, when it was not, whether it is intact.
void HoldAndCall(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (!info[0]->IsFunction()) {
    isolate->ThrowException(v8::Exception::TypeError(
        v8::String::NewFromUtf8Literal(isolate, "holdAndCall(fn)")));
    return;
  }
  uint64_t id = NewHeldId();
  // volatile: the pointer lives in this frame's stack slot, as a C++ caller's `this` does.
  Held* volatile held = cppgc::MakeGarbageCollected<Held>(Allocation(isolate), id);
  Local<v8::Context> context = isolate->GetCurrentContext();
  Local<Value> returned;
  bool ok = info[0].As<v8::Function>()->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&returned);
  bool dead = FoundDead(id);
  if (!ok) return;  // the exception propagates
  Local<Object> result = Object::New(isolate);
  result->Set(context, v8::String::NewFromUtf8Literal(isolate, "finalizedDuringCall"), v8::Boolean::New(isolate, dead)).Check();
  result->Set(context, v8::String::NewFromUtf8Literal(isolate, "intact"),
              v8::Boolean::New(isolate, !dead && held->magic() == Held::kMagic && held->id() == id))
      .Check();
  result->Set(context, v8::String::NewFromUtf8Literal(isolate, "returned"), returned).Check();
  info.GetReturnValue().Set(result);
}

// emitHeld(fn, delayMs): fn runs as a UI task posted from another thread, called the way
// Electron emits an event on one of its objects (gin_helper::EmitEvent): the C++ frame
// holds the object only by a raw pointer (`this`) while fn runs in a node::CallbackScope,
// whose close runs the microtasks, so a greenlet they wake runs while the frame holds it.
// Counted in gcCounts().held.
void EmitHeld(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (!info[0]->IsFunction()) {
    isolate->ThrowException(v8::Exception::TypeError(
        v8::String::NewFromUtf8Literal(isolate, "emitHeld(fn, delayMs)")));
    return;
  }
  int delay = info[1]->Int32Value(isolate->GetCurrentContext()).FromMaybe(0);
  auto* fn = new v8::Global<v8::Function>(isolate, info[0].As<v8::Function>());
  PostDelayedTask(
      [fn] {
        Host& host = TheHost();
        if (host.isolate == nullptr) return;  // shutting down: leaked, never reset late
        v8::HandleScope scope(host.isolate);
        uint64_t id = NewHeldId();
        Held* volatile held = cppgc::MakeGarbageCollected<Held>(Allocation(host.isolate), id);
        Local<v8::Function> callee = fn->Get(host.isolate);
        fn->Reset();
        delete fn;
        CallIntoJs(host.context.Get(host.isolate)->Global(), callee, 0, nullptr);
        held_events++;
        if (FoundDead(id) || held->magic() != Held::kMagic) held_events_dead++;
      },
      delay);
}

void SetPair(Isolate* isolate, Local<v8::Context> context, Local<Object> out, const char* name, const ByThread& count) {
  Local<Object> pair = Object::New(isolate);
  pair->Set(context, v8::String::NewFromUtf8Literal(isolate, "ui"), v8::Number::New(isolate, static_cast<double>(count.ui.load())))
      .Check();
  pair->Set(context, v8::String::NewFromUtf8Literal(isolate, "off"), v8::Number::New(isolate, static_cast<double>(count.off.load())))
      .Check();
  out->Set(context, v8::String::NewFromUtf8(isolate, name).ToLocalChecked(), pair).Check();
}

// gcCounts(): { preFinalizers, destructors, firstWeak, secondWeak, fullGcs, minorGcs,
// gcMicros: { ui, off }, held: { events, dead }, affineLive, marking, sweeping }.
void GcCounts(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Local<v8::Context> context = isolate->GetCurrentContext();
  Local<Object> out = Object::New(isolate);
  SetPair(isolate, context, out, "preFinalizers", pre_finalizers);
  SetPair(isolate, context, out, "destructors", destructors);
  SetPair(isolate, context, out, "firstWeak", first_weak_callbacks);
  SetPair(isolate, context, out, "secondWeak", second_weak_callbacks);
  SetPair(isolate, context, out, "fullGcs", full_gcs);
  SetPair(isolate, context, out, "minorGcs", minor_gcs);
  SetPair(isolate, context, out, "gcMicros", gc_micros);
  Local<Object> held = Object::New(isolate);
  held->Set(context, v8::String::NewFromUtf8Literal(isolate, "events"), v8::Number::New(isolate, static_cast<double>(held_events.load())))
      .Check();
  held->Set(context, v8::String::NewFromUtf8Literal(isolate, "dead"), v8::Number::New(isolate, static_cast<double>(held_events_dead.load())))
      .Check();
  out->Set(context, v8::String::NewFromUtf8Literal(isolate, "held"), held).Check();
  out->Set(context, v8::String::NewFromUtf8Literal(isolate, "affineLive"),
           v8::Number::New(isolate, static_cast<double>(affine_live.load())))
      .Check();
  cppgc::HeapHandle& heap = isolate->GetCppHeap()->GetHeapHandle();
  out->Set(context, v8::String::NewFromUtf8Literal(isolate, "marking"),
           v8::Boolean::New(isolate, cppgc::subtle::HeapState::IsMarking(heap)))
      .Check();
  out->Set(context, v8::String::NewFromUtf8Literal(isolate, "sweeping"),
           v8::Boolean::New(isolate, cppgc::subtle::HeapState::IsSweeping(heap)))
      .Check();
  info.GetReturnValue().Set(out);
}

// catchUp(what): lets the UI thread finish collection work before a greenlet runs, with
// the public API an embedder has (the experiments of bench/NOTES.md, "Garbage collection
// on carriers"): 'sweep' finishes a cppgc sweep under way (CppHeap::CollectStatistics
// with kDetailed finishes it first); 'pressure' and 'low-memory' finish incremental
// marking under way with a full collection (MemoryPressureNotification(kCritical), or
// LowMemoryNotification). Returns the microseconds spent, or 0 when there was nothing to do.
void CatchUp(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  v8::String::Utf8Value what(isolate, info[0]);
  std::string mode = *what != nullptr ? *what : "";
  cppgc::HeapHandle& heap = isolate->GetCppHeap()->GetHeapHandle();
  auto started = std::chrono::steady_clock::now();
  bool did = false;
  if (mode == "sweep" && cppgc::subtle::HeapState::IsSweeping(heap)) {
    isolate->GetCppHeap()->CollectStatistics(cppgc::HeapStatistics::kDetailed);
    did = true;
  } else if (mode == "pressure" && cppgc::subtle::HeapState::IsMarking(heap)) {
    isolate->MemoryPressureNotification(v8::MemoryPressureLevel::kCritical);
    isolate->MemoryPressureNotification(v8::MemoryPressureLevel::kNone);
    did = true;
  } else if (mode == "low-memory" && cppgc::subtle::HeapState::IsMarking(heap)) {
    isolate->LowMemoryNotification();
    did = true;
  }
  auto spent = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  info.GetReturnValue().Set(v8::Number::New(isolate, did ? std::max<double>(1, static_cast<double>(spent.count())) : 0));
}

void Set(Isolate* isolate, Local<v8::Context> context, Local<Object> exports, const char* name,
         v8::FunctionCallback callback) {
  exports->Set(context, v8::String::NewFromUtf8(isolate, name).ToLocalChecked(),
               v8::Function::New(context, callback).ToLocalChecked())
      .Check();
}

}  // namespace

void InitGcProbes(Local<v8::Context> context, Local<Object> exports) {
  Isolate* isolate = TheHost().isolate;
  static bool watching = false;
  if (!watching) {
    watching = true;
    isolate->AddGCPrologueCallback(GcPrologue, nullptr, kCollections);
    isolate->AddGCEpilogueCallback(GcEpilogue, nullptr, kCollections);
  }
  Set(isolate, context, exports, "allocAffine", AllocAffine);
  Set(isolate, context, exports, "wrapAffine", WrapAffine);
  Set(isolate, context, exports, "weakNatives", WeakNatives);
  Set(isolate, context, exports, "holdAndCall", HoldAndCall);
  Set(isolate, context, exports, "emitHeld", EmitHeld);
  Set(isolate, context, exports, "gcCounts", GcCounts);
  Set(isolate, context, exports, "catchUp", CatchUp);
}

}  // namespace host
