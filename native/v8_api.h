// Every use tendril makes of V8's C++ API, in one place. Node-API cannot move the V8
// lock between threads, so these few calls go to V8 itself. They are looked up by
// name when the addon loads, never linked: one binary then serves every Node and
// Electron (V8 changed some spellings between versions), and the same code works on
// Windows, where V8 is exported with MSVC's names and calling rules (v8_abi.h).
#pragma once

#include <node_api.h>

#include <cstdint>
#include <string>

namespace tendril::v8api {

// A v8::Isolate; only ever passed back to the functions below.
struct Isolate;

// Looks up every symbol. Returns "" on success, else what is missing and why it matters.
std::string Load();
// Whether the runtime has the continuation data below (V8 12+, Node 22+).
bool HasContinuationData();

Isolate* CurrentIsolate();
void Enter(Isolate* isolate);
void Exit(Isolate* isolate);
void SetStackLimit(Isolate* isolate, uintptr_t limit);
void TerminateExecution(Isolate* isolate);
// Drops V8's per-thread record of the calling thread (called without the V8 lock).
void DiscardThreadSpecificMetadata(Isolate* isolate);

// Asks V8 to call `callback(isolate, data)` on whichever thread holds the isolate, at
// its next interruption check (loops and calls in JavaScript); callable from any thread.
// Under v8::Locker the request belongs to the thread holding the isolate at that moment
// (V8 archives it with that thread's state), so a callback can run late, on that thread's
// next turn. The callback must not call JavaScript.
using InterruptCallback = void (*)(Isolate* isolate, void* data);
void RequestInterrupt(Isolate* isolate, InterruptCallback callback, void* data);
// Adds the calling thread's current stack to every CPU profile being recorded for the
// isolate (none: it does nothing). V8's own sampler only sees the thread that started the
// profiler.
void CollectSample(Isolate* isolate);

// A v8::Locker / v8::Unlocker for the scope of this object. The storage is larger than
// V8's classes (16 and 8 bytes on 64-bit since V8 6; v8_api.cc checks it where V8's
// headers are at hand).
class Locker {
 public:
  explicit Locker(Isolate* isolate);
  ~Locker();
  Locker(const Locker&) = delete;
  Locker& operator=(const Locker&) = delete;

 private:
  alignas(void*) unsigned char storage_[4 * sizeof(void*)];
};

class Unlocker {
 public:
  explicit Unlocker(Isolate* isolate);
  ~Unlocker();
  Unlocker(const Unlocker&) = delete;
  Unlocker& operator=(const Unlocker&) = delete;

 private:
  alignas(void*) unsigned char storage_[4 * sizeof(void*)];
};

// A handle (v8::Local) as V8 and Node-API pass it: the address of a slot in the
// current handle scope. Valid while that scope is open.
using Handle = void*;

// The isolate's continuation-preserved embedder data: where AsyncLocalStorage keeps
// its context on Node 24+ (AsyncContextFrame). It is per isolate, not per thread, so
// a switch saves it for the greenlet that parks and restores it when that one resumes.
// Only when HasContinuationData().
Handle GetContinuationData(Isolate* isolate);
void SetContinuationData(Isolate* isolate, Handle value);

// One frame of the calling thread's JavaScript stack: its function's name and script's
// name or source URL (strings, or nullptr when there is none), line and column (1-based).
struct StackFrame {
  Handle function_name;
  Handle script_name;
  int line;
  int column;
};
// The calling thread's JavaScript stack, innermost first, at most `limit` frames, as a
// v8::StackTrace handle in the current handle scope; see StackTraceFrame.
Handle CurrentStackTrace(Isolate* isolate, int limit);
int StackTraceFrameCount(Handle trace);
StackFrame StackTraceFrame(Isolate* isolate, Handle trace, uint32_t index);

// Garbage collection (gc_guard.h). A GC callback: v8::Isolate::GCCallbackWithData, with
// v8::GCType and v8::GCCallbackFlags as ints. Only when HasGcCallbacks().
using GcCallback = void (*)(Isolate* isolate, int type, int flags, void* data);
bool HasGcCallbacks();
void AddGcCallbacks(Isolate* isolate, GcCallback prologue, GcCallback epilogue, void* data,
                    int types);
void RemoveGcCallbacks(Isolate* isolate, GcCallback prologue, GcCallback epilogue, void* data);
// Whether the isolate's C++ heap (cppgc) is sweeping: false without one, or when the
// runtime does not export what tells.
bool CppHeapSweeping(Isolate* isolate);

// A JavaScript function that calls `callback` without going through Node-API (which
// cannot tolerate a thread switch inside a call; see addon.cc). `callback` receives
// V8's FunctionCallbackInfo, which tendril never reads. Returns nullptr on failure.
using RawCallback = void (*)(const void* info);
napi_value NewFunction(Isolate* isolate, RawCallback callback);

}  // namespace tendril::v8api
