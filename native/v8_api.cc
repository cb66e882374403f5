#include "v8_api.h"

#include "platform.h"
#include "v8_abi.h"

// Where V8's headers are at hand (node-gyp builds), check that Locker and Unlocker fit.
#if __has_include(<v8-locker.h>)
#include <v8-locker.h>
static_assert(sizeof(v8::Locker) <= 4 * sizeof(void*), "v8::Locker outgrew tendril's storage");
static_assert(sizeof(v8::Unlocker) <= 4 * sizeof(void*), "v8::Unlocker outgrew tendril's storage");
#endif

namespace tendril::v8api {

namespace {
using v8abi::kEntries;
using v8abi::kSymbolCount;

void* g_fn[kSymbolCount] = {};

template <typename Fn>
Fn At(v8abi::Symbol symbol) {
  return reinterpret_cast<Fn>(g_fn[symbol]);
}
}  // namespace

std::string Load() {
  std::string missing;
  for (int i = 0; i < kSymbolCount; i++) {
    if (g_fn[i] != nullptr) continue;
    for (const char* spelling : kEntries[i].spellings) {
      if (spelling == nullptr) break;
      if ((g_fn[i] = os::FindHostSymbol(spelling)) != nullptr) break;
    }
    if (g_fn[i] == nullptr && i < v8abi::kFirstOptional) {
      missing += missing.empty() ? "" : ", ";
      missing += kEntries[i].what;
    }
  }
  if (missing.empty()) return missing;
  return "this runtime does not export " + missing +
         ", which tendril needs to move V8 between threads. Node 20-26 and Electron 41+ "
         "export them; a runtime built without V8's C++ symbols, or a newer V8 that renamed "
         "them, is not supported yet: please report it with `node -p process.versions`.";
}

bool HasContinuationData() {
  return g_fn[v8abi::kGetContinuationData] != nullptr &&
         g_fn[v8abi::kSetContinuationData] != nullptr;
}

Isolate* CurrentIsolate() { return At<Isolate* (*)()>(v8abi::kIsolateGetCurrent)(); }
void Enter(Isolate* isolate) { At<void (*)(Isolate*)>(v8abi::kIsolateEnter)(isolate); }
void Exit(Isolate* isolate) { At<void (*)(Isolate*)>(v8abi::kIsolateExit)(isolate); }

void SetStackLimit(Isolate* isolate, uintptr_t limit) {
  At<void (*)(Isolate*, uintptr_t)>(v8abi::kIsolateSetStackLimit)(isolate, limit);
}

void TerminateExecution(Isolate* isolate) {
  At<void (*)(Isolate*)>(v8abi::kIsolateTerminateExecution)(isolate);
}

void DiscardThreadSpecificMetadata(Isolate* isolate) {
  At<void (*)(Isolate*)>(v8abi::kIsolateDiscardThreadSpecificMetadata)(isolate);
}

void RequestInterrupt(Isolate* isolate, InterruptCallback callback, void* data) {
  At<void (*)(Isolate*, InterruptCallback, void*)>(v8abi::kIsolateRequestInterrupt)(isolate, callback,
                                                                                   data);
}

void CollectSample(Isolate* isolate) {
  v8abi::CollectSample(g_fn[v8abi::kCpuProfilerCollectSample], isolate);
}

Handle CurrentStackTrace(Isolate* isolate, int limit) {
  constexpr int kDetailed = 127;  // StackTraceOptions::kDetailed
  return v8abi::CurrentStackTrace(g_fn[v8abi::kStackTraceCurrentStackTrace], isolate, limit,
                                  kDetailed);
}

int StackTraceFrameCount(Handle trace) {
  return At<int (*)(Handle)>(v8abi::kStackTraceGetFrameCount)(trace);
}

StackFrame StackTraceFrame(Isolate* isolate, Handle trace, uint32_t index) {
  StackFrame out{};
  Handle frame =
      v8abi::StackTraceGetFrame(g_fn[v8abi::kStackTraceGetFrame], trace, isolate, index);
  if (frame == nullptr) return out;
  out.function_name =
      v8abi::StackFrameString(g_fn[v8abi::kStackFrameGetFunctionName], frame);
  out.script_name =
      v8abi::StackFrameString(g_fn[v8abi::kStackFrameGetScriptNameOrSourceURL], frame);
  v8abi::StackFrameLocation(g_fn[v8abi::kStackFrameGetLocation], frame, &out.line, &out.column);
  out.line += 1;
  out.column += 1;
  return out;
}

Locker::Locker(Isolate* isolate) {
  At<void (*)(void*, Isolate*)>(v8abi::kLockerInitialize)(storage_, isolate);
}
Locker::~Locker() { At<void (*)(void*)>(v8abi::kLockerDestroy)(storage_); }

Unlocker::Unlocker(Isolate* isolate) {
  At<void (*)(void*, Isolate*)>(v8abi::kUnlockerInitialize)(storage_, isolate);
}
Unlocker::~Unlocker() { At<void (*)(void*)>(v8abi::kUnlockerDestroy)(storage_); }

Handle GetContinuationData(Isolate* isolate) {
  return v8abi::GetContinuationData(g_fn[v8abi::kGetContinuationData], isolate);
}

void SetContinuationData(Isolate* isolate, Handle value) {
  At<void (*)(Isolate*, Handle)>(v8abi::kSetContinuationData)(isolate, value);
}

bool HasGcCallbacks() {
  for (auto symbol : {v8abi::kIsolateAddGCPrologueCallback, v8abi::kIsolateRemoveGCPrologueCallback,
                      v8abi::kIsolateAddGCEpilogueCallback, v8abi::kIsolateRemoveGCEpilogueCallback}) {
    if (g_fn[symbol] == nullptr) return false;
  }
  return true;
}

void AddGcCallbacks(Isolate* isolate, GcCallback prologue, GcCallback epilogue, void* data,
                    int types) {
  using Add = void (*)(Isolate*, GcCallback, void* data, int types);
  At<Add>(v8abi::kIsolateAddGCPrologueCallback)(isolate, prologue, data, types);
  At<Add>(v8abi::kIsolateAddGCEpilogueCallback)(isolate, epilogue, data, types);
}

void RemoveGcCallbacks(Isolate* isolate, GcCallback prologue, GcCallback epilogue, void* data) {
  using Remove = void (*)(Isolate*, GcCallback, void* data);
  At<Remove>(v8abi::kIsolateRemoveGCPrologueCallback)(isolate, prologue, data);
  At<Remove>(v8abi::kIsolateRemoveGCEpilogueCallback)(isolate, epilogue, data);
}

bool CppHeapSweeping(Isolate* isolate) {
  if (g_fn[v8abi::kIsolateGetCppHeap] == nullptr || g_fn[v8abi::kCppHeapGetHeapHandle] == nullptr ||
      g_fn[v8abi::kHeapStateIsSweeping] == nullptr) {
    return false;
  }
  void* cpp_heap = At<void* (*)(Isolate*)>(v8abi::kIsolateGetCppHeap)(isolate);
  if (cpp_heap == nullptr) return false;
  // HeapHandle& is returned, and passed, as a pointer.
  void* heap = At<void* (*)(void*)>(v8abi::kCppHeapGetHeapHandle)(cpp_heap);
  return At<bool (*)(void*)>(v8abi::kHeapStateIsSweeping)(heap);
}

napi_value NewFunction(Isolate* isolate, RawCallback callback) {
  void* context = v8abi::GetCurrentContext(g_fn[v8abi::kIsolateGetCurrentContext], isolate);
  if (context == nullptr) return nullptr;
  // A napi_value is the address of a V8 handle slot, as v8::Local holds it.
  return static_cast<napi_value>(v8abi::FunctionNew(g_fn[v8abi::kFunctionNew], context, callback));
}

}  // namespace tendril::v8api
