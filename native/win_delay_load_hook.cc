// For builds with mingw-w64 (scripts/prebuild.js); node-gyp adds its own equivalent to
// MSVC builds. The addon imports Node-API from "node.exe" with delayed loading; when
// that name is first needed, this hook hands over the module that really exports
// Node-API instead: node.exe itself, or electron.exe (any app's renamed Electron), whose
// directory holds no node.exe to load.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <delayimp.h>

#include <cstring>

namespace tendril::os {
HMODULE HostModule();  // platform_win.cc
}

namespace {
FARPROC WINAPI ResolveHost(unsigned event, PDelayLoadInfo info) {
  if (event != dliNotePreLoadLibrary || _stricmp(info->szDll, "node.exe") != 0) return nullptr;
  return reinterpret_cast<FARPROC>(tendril::os::HostModule());
}
}  // namespace

PfnDliHook __pfnDliNotifyHook2 = ResolveHost;  // declared extern "C" by delayimp.h
