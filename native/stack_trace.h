// The JavaScript stack of the calling thread as text. Used for the stacks of greenlets
// (Core::StackOf) and for the watchdog's report, which is taken in an interrupt: so it
// runs no JavaScript, only V8's stack walk and Node-API's string reads.
#pragma once

#include <node_api.h>

#include <string>

#include "v8_api.h"

namespace tendril {

// One line per frame, innermost first, as V8 prints Error.stack:
// "    at fn (script:line:column)\n", or "    at script:line:column\n" for an anonymous
// function. Frames whose script name starts with `internal_prefix` (tendril's own files)
// are left out at both ends, so the stack starts where the greenlet called into tendril
// and ends where tendril called its code. Needs the V8 lock.
std::string CaptureStack(napi_env env, v8api::Isolate* isolate, const std::string& internal_prefix);

}  // namespace tendril
