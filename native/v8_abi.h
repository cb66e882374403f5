// How one C++ ABI spells and calls the V8 functions v8_api.cc uses:
// v8_abi_itanium.cc (Linux, macOS) and v8_abi_msvc.cc (Windows). Both ABIs pass `this`
// as the first argument and return pointers and void alike; they differ in names and
// in how a function returns a v8::Local (a class holding one pointer), so the calls
// that return one are made here.
#pragma once

#include <cstdint>

namespace tendril::v8abi {

enum Symbol {
  kLockerInitialize,
  kLockerDestroy,
  kUnlockerInitialize,
  kUnlockerDestroy,
  kIsolateGetCurrent,
  kIsolateEnter,
  kIsolateExit,
  kIsolateSetStackLimit,
  kIsolateTerminateExecution,
  kIsolateDiscardThreadSpecificMetadata,
  kIsolateGetCurrentContext,
  kFunctionNew,
  kIsolateRequestInterrupt,
  kCpuProfilerCollectSample,
  kStackTraceCurrentStackTrace,
  kStackTraceGetFrameCount,
  kStackTraceGetFrame,
  kStackFrameGetLocation,
  kStackFrameGetScriptNameOrSourceURL,
  kStackFrameGetFunctionName,
  kGetContinuationData,
  kSetContinuationData,
  kIsolateAddGCPrologueCallback,
  kIsolateRemoveGCPrologueCallback,
  kIsolateAddGCEpilogueCallback,
  kIsolateRemoveGCEpilogueCallback,
  kIsolateGetCppHeap,
  kCppHeapGetHeapHandle,
  kHeapStateIsSweeping,
  kSymbolCount
};

constexpr int kMaxSpellings = 5;

struct Entry {
  const char* what;  // the C++ declaration, for error messages
  // Mangled names, newest V8 first; unused slots are nullptr.
  const char* spellings[kMaxSpellings];
};

// The first symbol that may be missing: V8 11 (Node 20) has no isolate-wide
// continuation data, and its AsyncLocalStorage does not need it. Without the GC callbacks
// and cppgc's heap state, tendril does not watch collections (gc_guard.h).
constexpr int kFirstOptional = kGetContinuationData;

extern const Entry kEntries[kSymbolCount];

// Isolate::GetCurrentContext(), a member returning Local<Context>.
void* GetCurrentContext(void* fn, void* isolate);
// Isolate::GetContinuationPreservedEmbedderData[V2](), a member returning Local<Value|Data>.
void* GetContinuationData(void* fn, void* isolate);
// Function::New(context, callback, data = {}, length = 0, kThrow, kHasSideEffect), a
// static member returning MaybeLocal<Function>.
void* FunctionNew(void* fn, void* context, void (*callback)(const void*));
// CpuProfiler::CollectSample(isolate) (V8 12 and older) or CollectSample(isolate, trace_id
// = std::nullopt) (V8 13+): one call serves both (see the ABI files).
void CollectSample(void* fn, void* isolate);
// StackTrace::CurrentStackTrace(isolate, frame_limit, options), a static member returning
// Local<StackTrace>.
void* CurrentStackTrace(void* fn, void* isolate, int frame_limit, int options);
// StackTrace::GetFrame(isolate, index), a const member returning Local<StackFrame>.
void* StackTraceGetFrame(void* fn, void* trace, void* isolate, uint32_t index);
// StackFrame::GetScriptNameOrSourceURL() / GetFunctionName(): const members returning
// Local<String>.
void* StackFrameString(void* fn, void* frame);
// StackFrame::GetLocation(), a const member returning a Location (two ints, 0-based).
void StackFrameLocation(void* fn, void* frame, int* line, int* column);

}  // namespace tendril::v8abi
