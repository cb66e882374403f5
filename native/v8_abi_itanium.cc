// V8's C++ API as the Itanium C++ ABI (Linux, macOS; x64 and arm64) spells and calls it.
// A v8::Local is trivially copyable and one pointer wide, so functions return it in a
// register, exactly as they return a pointer.
#include "v8_abi.h"

namespace tendril::v8abi {

const Entry kEntries[kSymbolCount] = {
    {"v8::Locker::Initialize(v8::Isolate*)", {"_ZN2v86Locker10InitializeEPNS_7IsolateE"}},
    {"v8::Locker::~Locker()", {"_ZN2v86LockerD1Ev"}},
    {"v8::Unlocker::Initialize(v8::Isolate*)", {"_ZN2v88Unlocker10InitializeEPNS_7IsolateE"}},
    {"v8::Unlocker::~Unlocker()", {"_ZN2v88UnlockerD1Ev"}},
    {"v8::Isolate::GetCurrent()", {"_ZN2v87Isolate10GetCurrentEv"}},
    {"v8::Isolate::Enter()", {"_ZN2v87Isolate5EnterEv"}},
    {"v8::Isolate::Exit()", {"_ZN2v87Isolate4ExitEv"}},
    {"v8::Isolate::SetStackLimit(uintptr_t)", {"_ZN2v87Isolate13SetStackLimitEm"}},
    {"v8::Isolate::TerminateExecution()", {"_ZN2v87Isolate18TerminateExecutionEv"}},
    {"v8::Isolate::DiscardThreadSpecificMetadata()",
     {"_ZN2v87Isolate29DiscardThreadSpecificMetadataEv"}},
    {"v8::Isolate::GetCurrentContext()", {"_ZN2v87Isolate17GetCurrentContextEv"}},
    // The data parameter is Local<Data> from V8 14 (Node 26), Local<Value> before.
    {"v8::Function::New(Local<Context>, FunctionCallback, Local<Data|Value>, int, "
     "ConstructorBehavior, SideEffectType)",
     {"_ZN2v88Function3NewENS_5LocalINS_7ContextEEEPFvRKNS_20FunctionCallbackInfoINS_"
      "5ValueEEEENS1_INS_4DataEEEiNS_19ConstructorBehaviorENS_14SideEffectTypeE",
      "_ZN2v88Function3NewENS_5LocalINS_7ContextEEEPFvRKNS_20FunctionCallbackInfoINS_"
      "5ValueEEEENS1_IS5_EEiNS_19ConstructorBehaviorENS_14SideEffectTypeE"}},
    {"v8::Isolate::RequestInterrupt(InterruptCallback, void*)",
     {"_ZN2v87Isolate16RequestInterruptEPFvPS0_PvES2_"}},
    // V8 13 (Node 24) added a std::optional<uint64_t> trace id, spelled after the C++
    // library: libstdc++ (Node on Linux), Chromium's libc++ (Electron on Linux and macOS;
    // never run), libc++ (Node on macOS, where uint64_t is unsigned long long); then V8 12.
    {"v8::CpuProfiler::CollectSample(Isolate*[, std::optional<uint64_t>])",
     {"_ZN2v811CpuProfiler13CollectSampleEPNS_7IsolateESt8optionalImE",
      "_ZN2v811CpuProfiler13CollectSampleEPNS_7IsolateENSt4__Cr8optionalImEE",
      "_ZN2v811CpuProfiler13CollectSampleEPNS_7IsolateENSt3__18optionalIyEE",
      "_ZN2v811CpuProfiler13CollectSampleEPNS_7IsolateENSt4__Cr8optionalIyEE",
      "_ZN2v811CpuProfiler13CollectSampleEPNS_7IsolateE"}},
    {"v8::StackTrace::CurrentStackTrace(Isolate*, int, StackTraceOptions)",
     {"_ZN2v810StackTrace17CurrentStackTraceEPNS_7IsolateEiNS0_17StackTraceOptionsE"}},
    {"v8::StackTrace::GetFrameCount() const", {"_ZNK2v810StackTrace13GetFrameCountEv"}},
    {"v8::StackTrace::GetFrame(Isolate*, uint32_t) const",
     {"_ZNK2v810StackTrace8GetFrameEPNS_7IsolateEj"}},
    {"v8::StackFrame::GetLocation() const", {"_ZNK2v810StackFrame11GetLocationEv"}},
    {"v8::StackFrame::GetScriptNameOrSourceURL() const",
     {"_ZNK2v810StackFrame24GetScriptNameOrSourceURLEv"}},
    {"v8::StackFrame::GetFunctionName() const", {"_ZNK2v810StackFrame15GetFunctionNameEv"}},
    // V2 (V8 14) takes and returns Local<Data>; the first spelling is deprecated there.
    {"v8::Isolate::GetContinuationPreservedEmbedderData[V2]()",
     {"_ZN2v87Isolate38GetContinuationPreservedEmbedderDataV2Ev",
      "_ZN2v87Isolate36GetContinuationPreservedEmbedderDataEv"}},
    {"v8::Isolate::SetContinuationPreservedEmbedderData[V2](Local<Data|Value>)",
     {"_ZN2v87Isolate38SetContinuationPreservedEmbedderDataV2ENS_5LocalINS_4DataEEE",
      "_ZN2v87Isolate36SetContinuationPreservedEmbedderDataENS_5LocalINS_5ValueEEE"}},
    {"v8::Isolate::AddGCPrologueCallback(GCCallbackWithData, void*, GCType)",
     {"_ZN2v87Isolate21AddGCPrologueCallbackEPFvPS0_NS_6GCTypeENS_15GCCallbackFlagsEPvES4_S2_"}},
    {"v8::Isolate::RemoveGCPrologueCallback(GCCallbackWithData, void*)",
     {"_ZN2v87Isolate24RemoveGCPrologueCallbackEPFvPS0_NS_6GCTypeENS_15GCCallbackFlagsEPvES4_"}},
    {"v8::Isolate::AddGCEpilogueCallback(GCCallbackWithData, void*, GCType)",
     {"_ZN2v87Isolate21AddGCEpilogueCallbackEPFvPS0_NS_6GCTypeENS_15GCCallbackFlagsEPvES4_S2_"}},
    {"v8::Isolate::RemoveGCEpilogueCallback(GCCallbackWithData, void*)",
     {"_ZN2v87Isolate24RemoveGCEpilogueCallbackEPFvPS0_NS_6GCTypeENS_15GCCallbackFlagsEPvES4_"}},
    {"v8::Isolate::GetCppHeap() const", {"_ZNK2v87Isolate10GetCppHeapEv"}},
    {"v8::CppHeap::GetHeapHandle()", {"_ZN2v87CppHeap13GetHeapHandleEv"}},
    {"cppgc::subtle::HeapState::IsSweeping(const HeapHandle&)",
     {"_ZN5cppgc6subtle9HeapState10IsSweepingERKNS_10HeapHandleE"}},
};

void* GetCurrentContext(void* fn, void* isolate) {
  return reinterpret_cast<void* (*)(void*)>(fn)(isolate);
}

void* GetContinuationData(void* fn, void* isolate) {
  return reinterpret_cast<void* (*)(void*)>(fn)(isolate);
}

void* FunctionNew(void* fn, void* context, void (*callback)(const void*)) {
  // ConstructorBehavior::kThrow and SideEffectType::kHasSideEffect are both 0.
  using New = void* (*)(void* context, void (*)(const void*), void* data, int length,
                        int behavior, int side_effect);
  return reinterpret_cast<New>(fn)(context, callback, nullptr, 0, 0, 0);
}

void CollectSample(void* fn, void* isolate) {
  // A std::optional<uint64_t> is trivially copyable and 16 bytes, so it travels in two
  // registers (value, engaged): zeros are std::nullopt. V8 12's one-argument function
  // never reads them, and the caller cleans up arguments, so one call serves both.
  reinterpret_cast<void (*)(void*, uint64_t, uint64_t)>(fn)(isolate, 0, 0);
}

void* CurrentStackTrace(void* fn, void* isolate, int frame_limit, int options) {
  return reinterpret_cast<void* (*)(void*, int, int)>(fn)(isolate, frame_limit, options);
}

void* StackTraceGetFrame(void* fn, void* trace, void* isolate, uint32_t index) {
  return reinterpret_cast<void* (*)(void*, void*, uint32_t)>(fn)(trace, isolate, index);
}

void* StackFrameString(void* fn, void* frame) {
  return reinterpret_cast<void* (*)(void*)>(fn)(frame);
}

void StackFrameLocation(void* fn, void* frame, int* line, int* column) {
  // v8::Location is two ints and trivially copyable: returned in registers, like this.
  struct Location {
    int line;
    int column;
  };
  Location location = reinterpret_cast<Location (*)(void*)>(fn)(frame);
  *line = location.line;
  *column = location.column;
}

}  // namespace tendril::v8abi
