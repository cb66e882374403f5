// V8's C++ API as the Microsoft C++ ABI (Windows; x64 and arm64) spells and calls it.
// A v8::Local has user-declared constructors, so MSVC never returns it in a register:
// the caller passes a buffer. A member function takes that buffer's address right
// after `this` (rdx on x64, x1 on arm64), a static or free function as its first
// argument (rcx on x64, x0 on arm64); either way the function returns the address
// again. Spelled out here as plain pointer arguments, which every compiler (MSVC,
// clang-cl, mingw-w64 g++) passes the same way.
#include "v8_abi.h"

namespace tendril::v8abi {

const Entry kEntries[kSymbolCount] = {
    {"v8::Locker::Initialize(v8::Isolate*)", {"?Initialize@Locker@v8@@AEAAXPEAVIsolate@2@@Z"}},
    {"v8::Locker::~Locker()", {"??1Locker@v8@@QEAA@XZ"}},
    {"v8::Unlocker::Initialize(v8::Isolate*)",
     {"?Initialize@Unlocker@v8@@AEAAXPEAVIsolate@2@@Z"}},
    {"v8::Unlocker::~Unlocker()", {"??1Unlocker@v8@@QEAA@XZ"}},
    {"v8::Isolate::GetCurrent()", {"?GetCurrent@Isolate@v8@@SAPEAV12@XZ"}},
    {"v8::Isolate::Enter()", {"?Enter@Isolate@v8@@QEAAXXZ"}},
    {"v8::Isolate::Exit()", {"?Exit@Isolate@v8@@QEAAXXZ"}},
    {"v8::Isolate::SetStackLimit(uintptr_t)", {"?SetStackLimit@Isolate@v8@@QEAAX_K@Z"}},
    {"v8::Isolate::TerminateExecution()", {"?TerminateExecution@Isolate@v8@@QEAAXXZ"}},
    {"v8::Isolate::DiscardThreadSpecificMetadata()",
     {"?DiscardThreadSpecificMetadata@Isolate@v8@@QEAAXXZ"}},
    {"v8::Isolate::GetCurrentContext()",
     {"?GetCurrentContext@Isolate@v8@@QEAA?AV?$Local@VContext@v8@@@2@XZ"}},
    // The data parameter is Local<Data> from V8 14 (Node 26), Local<Value> before.
    {"v8::Function::New(Local<Context>, FunctionCallback, Local<Data|Value>, int, "
     "ConstructorBehavior, SideEffectType)",
     {"?New@Function@v8@@SA?AV?$MaybeLocal@VFunction@v8@@@2@V?$Local@VContext@v8@@@2@P6AXAEBV?$"
      "FunctionCallbackInfo@VValue@v8@@@2@@ZV?$Local@VData@v8@@@2@HW4ConstructorBehavior@2@"
      "W4SideEffectType@2@@Z",
      "?New@Function@v8@@SA?AV?$MaybeLocal@VFunction@v8@@@2@V?$Local@VContext@v8@@@2@P6AXAEBV?$"
      "FunctionCallbackInfo@VValue@v8@@@2@@ZV?$Local@VValue@v8@@@2@HW4ConstructorBehavior@2@"
      "W4SideEffectType@2@@Z"}},
    {"v8::Isolate::RequestInterrupt(InterruptCallback, void*)",
     {"?RequestInterrupt@Isolate@v8@@QEAAXP6AXPEAV12@PEAX@Z1@Z"}},
    // V8 13 (Node 24) added a std::optional<uint64_t> trace id, spelled after the C++
    // library: MSVC's (Node), Chromium's libc++ (Electron; never run); then V8 12.
    {"v8::CpuProfiler::CollectSample(Isolate*[, std::optional<uint64_t>])",
     {"?CollectSample@CpuProfiler@v8@@SAXPEAVIsolate@2@V?$optional@_K@std@@@Z",
      "?CollectSample@CpuProfiler@v8@@SAXPEAVIsolate@2@V?$optional@_K@__Cr@std@@@Z",
      "?CollectSample@CpuProfiler@v8@@SAXPEAVIsolate@2@@Z"}},
    {"v8::StackTrace::CurrentStackTrace(Isolate*, int, StackTraceOptions)",
     {"?CurrentStackTrace@StackTrace@v8@@SA?AV?$Local@VStackTrace@v8@@@2@PEAVIsolate@2@HW4"
      "StackTraceOptions@12@@Z"}},
    {"v8::StackTrace::GetFrameCount() const", {"?GetFrameCount@StackTrace@v8@@QEBAHXZ"}},
    {"v8::StackTrace::GetFrame(Isolate*, uint32_t) const",
     {"?GetFrame@StackTrace@v8@@QEBA?AV?$Local@VStackFrame@v8@@@2@PEAVIsolate@2@I@Z"}},
    {"v8::StackFrame::GetLocation() const", {"?GetLocation@StackFrame@v8@@QEBA?AVLocation@2@XZ"}},
    {"v8::StackFrame::GetScriptNameOrSourceURL() const",
     {"?GetScriptNameOrSourceURL@StackFrame@v8@@QEBA?AV?$Local@VString@v8@@@2@XZ"}},
    {"v8::StackFrame::GetFunctionName() const",
     {"?GetFunctionName@StackFrame@v8@@QEBA?AV?$Local@VString@v8@@@2@XZ"}},
    // V2 (V8 14) takes and returns Local<Data>; the first spelling is deprecated there.
    {"v8::Isolate::GetContinuationPreservedEmbedderData[V2]()",
     {"?GetContinuationPreservedEmbedderDataV2@Isolate@v8@@QEAA?AV?$Local@VData@v8@@@2@XZ",
      "?GetContinuationPreservedEmbedderData@Isolate@v8@@QEAA?AV?$Local@VValue@v8@@@2@XZ"}},
    {"v8::Isolate::SetContinuationPreservedEmbedderData[V2](Local<Data|Value>)",
     {"?SetContinuationPreservedEmbedderDataV2@Isolate@v8@@QEAAXV?$Local@VData@v8@@@2@@Z",
      "?SetContinuationPreservedEmbedderData@Isolate@v8@@QEAAXV?$Local@VValue@v8@@@2@@Z"}},
    {"v8::Isolate::AddGCPrologueCallback(GCCallbackWithData, void*, GCType)",
     {"?AddGCPrologueCallback@Isolate@v8@@QEAAXP6AXPEAV12@W4GCType@2@W4GCCallbackFlags@2@PEAX@Z31@"
      "Z"}},
    {"v8::Isolate::RemoveGCPrologueCallback(GCCallbackWithData, void*)",
     {"?RemoveGCPrologueCallback@Isolate@v8@@QEAAXP6AXPEAV12@W4GCType@2@W4GCCallbackFlags@2@PEAX@"
      "Z3@Z"}},
    {"v8::Isolate::AddGCEpilogueCallback(GCCallbackWithData, void*, GCType)",
     {"?AddGCEpilogueCallback@Isolate@v8@@QEAAXP6AXPEAV12@W4GCType@2@W4GCCallbackFlags@2@PEAX@Z31@"
      "Z"}},
    {"v8::Isolate::RemoveGCEpilogueCallback(GCCallbackWithData, void*)",
     {"?RemoveGCEpilogueCallback@Isolate@v8@@QEAAXP6AXPEAV12@W4GCType@2@W4GCCallbackFlags@2@PEAX@"
      "Z3@Z"}},
    {"v8::Isolate::GetCppHeap() const", {"?GetCppHeap@Isolate@v8@@QEBAPEAVCppHeap@2@XZ"}},
    {"v8::CppHeap::GetHeapHandle()", {"?GetHeapHandle@CppHeap@v8@@QEAAAEAVHeapHandle@cppgc@@XZ"}},
    {"cppgc::subtle::HeapState::IsSweeping(const HeapHandle&)",
     {"?IsSweeping@HeapState@subtle@cppgc@@SA_NAEBVHeapHandle@3@@Z"}},
};

namespace {
void* CallMemberReturningLocal(void* fn, void* self) {
  void* local = nullptr;
  reinterpret_cast<void** (*)(void* self, void** out)>(fn)(self, &local);
  return local;
}
}  // namespace

void* GetCurrentContext(void* fn, void* isolate) { return CallMemberReturningLocal(fn, isolate); }

void* GetContinuationData(void* fn, void* isolate) {
  return CallMemberReturningLocal(fn, isolate);
}

void* FunctionNew(void* fn, void* context, void (*callback)(const void*)) {
  // ConstructorBehavior::kThrow and SideEffectType::kHasSideEffect are both 0.
  using New = void** (*)(void** out, void* context, void (*)(const void*), void* data,
                         int length, int behavior, int side_effect);
  void* function = nullptr;
  reinterpret_cast<New>(fn)(&function, context, callback, nullptr, 0, 0, 0);
  return function;
}

void CollectSample(void* fn, void* isolate) {
  // V8 12's one-argument function never reads the second argument, and the caller
  // cleans up arguments, so one call serves both. The std::optional<uint64_t> (16 bytes,
  // std::nullopt) goes as arm64 passes small aggregates, in two registers, and as x64
  // passes any aggregate over 8 bytes, by the address of a copy.
#if defined(_M_ARM64) || defined(__aarch64__)
  reinterpret_cast<void (*)(void*, uint64_t, uint64_t)>(fn)(isolate, 0, 0);
#else
  struct OptionalU64 {
    uint64_t value;
    bool engaged;
  } none{0, false};
  reinterpret_cast<void (*)(void*, OptionalU64*)>(fn)(isolate, &none);
#endif
}

void* CurrentStackTrace(void* fn, void* isolate, int frame_limit, int options) {
  void* trace = nullptr;
  reinterpret_cast<void** (*)(void** out, void*, int, int)>(fn)(&trace, isolate, frame_limit,
                                                                options);
  return trace;
}

void* StackTraceGetFrame(void* fn, void* trace, void* isolate, uint32_t index) {
  void* frame = nullptr;
  reinterpret_cast<void** (*)(void* self, void** out, void*, uint32_t)>(fn)(trace, &frame,
                                                                           isolate, index);
  return frame;
}

void* StackFrameString(void* fn, void* frame) { return CallMemberReturningLocal(fn, frame); }

void StackFrameLocation(void* fn, void* frame, int* line, int* column) {
  // v8::Location has a constructor: returned through a buffer, like a Local.
  struct Location {
    int line;
    int column;
  } location{0, 0};
  reinterpret_cast<Location* (*)(void* self, Location* out)>(fn)(frame, &location);
  *line = location.line;
  *column = location.column;
}

}  // namespace tendril::v8abi
