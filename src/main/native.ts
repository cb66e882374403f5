// Loads the switching core: the one `npm install` compiled, else the prebuilt binary
// for this platform (node-gyp-build picks it from prebuilds/).
import path from 'node:path';
import { GreenletError } from './errors';

/** Work of collections done by one kind of thread (see native/gc_guard.h). */
export interface GcWork {
  /** Mark-compact atomic pauses: pre-finalizers and weak callbacks of what died ran there. */
  full: number;
  /** Scavenges (and minor mark-sweeps). */
  minor: number;
  /** C++ heap (cppgc) sweeps finished there: destructors of what died ran there. */
  sweeps: number;
  /** Time inside those collections. */
  ms: number;
}

/** Garbage collections by the thread that ran them, and the main-stack mirror. */
export interface GcStats {
  main: GcWork;
  carriers: GcWork;
  /** Copies of the parked main thread's stack made for collections on carriers. */
  mirror: {
    on: boolean;
    copies: number;
    /** Copies that kept only the innermost 128 KiB of a deeper stack. */
    truncated: number;
    lastBytes: number;
    /** Time spent copying. */
    ms: number;
  };
}

export interface Binding {
  /** Registers the boot function carriers call and the error class native code throws. */
  configure(
    boot: () => number,
    errorClass: new (message: string) => Error,
    stackSize: number,
    maxIdle: number,
    mirrorMainStack: boolean,
  ): void;
  /** Binds a carrier thread to a greenlet about to start; returns its id. */
  acquire(): number;
  /** Hands the V8 lock to carrier mailbox[0] and waits (a WaitKind in mailbox[2]); why this
   *  thread was woken lands in mailbox[1]. */
  switchTo(): void;
  /** [target carrier, outcome, kind of wait]: the switch's arguments and result (see native/core.h). */
  mailbox: Int32Array;
  threads(): { live: number; idle: number };
  /** Collections by the thread that ran them, and the main-stack mirror (native/gc_guard.h). */
  gcStats(): GcStats;
  /** `fn()` runs once, from the event loop, after the first full collection or sweep on a carrier. */
  onFirstCarrierCollection(fn: () => void): void;
  /** Whether a switch saves and restores V8's continuation data (AsyncLocalStorage on Node 24+). */
  asyncContextPerGreenlet: boolean;
  /**
   * The monitor thread (native/monitor.h): a CPU-profile sample this often while a greenlet
   * runs, a report when the event loop waits longer than maxBlockingMillis (0: off, each).
   * Stacks leave out frames of scripts whose path starts with internalPrefix.
   */
  configureMonitor(sampleIntervalMicros: number, maxBlockingMillis: number, warningPrefix: string, internalPrefix: string): void;
  /** The JavaScript stack of the greenlet on `carrier`, running or parked; null when there is none. */
  stackOf(carrier: number): string | null;
}

/** Mirrors tendril::Wake in native/core.h. */
export const enum Wake {
  Resume = 0,
  Boot = 1,
  Unwind = 2,
  Exit = 3,
  Terminate = 4,
  // 5 (Inspect) never reaches JavaScript: native/core_debug.cc
}

/**
 * What the switching thread waits for, from the switch until it runs again. Mirrors
 * tendril::WaitKind in native/spin_policy.h: the native side learns per kind how long
 * such waits last, and spins only where the answer tends to come within microseconds.
 */
export const enum WaitKind {
  /** A plain switch: until someone switches back. */
  Switch = 0,
  /** An onMain() call: until the main thread has run it. */
  Call = 1,
  /** The main thread after running an onMain() call: until the caller's next step. */
  Serve = 2,
  /** waitFor(), receive(), sleep(), join(): until the event loop wakes it. */
  EventLoop = 3,
  /** The main thread after waking a waiting greenlet: until it waits again. */
  Resume = 4,
}

export const MAIN_CARRIER = 0;
const REFUSED_SHUTTING_DOWN = -1;
const REFUSED_NO_STACK = -3;

function loadBinding(): Binding {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
  const dir = path.join(__dirname, '..', '..');
  const platform = `${process.platform}-${process.arch}`;
  let file: string;
  try {
    file = nodeGypBuild.resolve(dir);
  } catch (error) {
    throw new Error(
      `tendril: there is no native binary for ${platform} in ${dir}: it ships prebuilt ones for ` +
        'some platforms and compiles one at `npm install` elsewhere. Run `npm rebuild tendril` ' +
        'and read its output for what is missing.\n' +
        (error instanceof Error ? error.message : String(error)),
    );
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as Binding;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `tendril: cannot load its native binary ${file} on ${platform} (Node ${process.version}` +
        `${process.versions.electron ? `, Electron ${process.versions.electron}` : ''}): ${reason}\n` +
        'A binary built for another platform or a newer C library does not load: ' +
        '`npm rebuild tendril --build-from-source` compiles one for this machine.',
    );
  }
}

export const binding: Binding = loadBinding();

// V8 12+ (Node 22+) keeps AsyncLocalStorage's context in the isolate's continuation data
// (always from Node 24). Without the V8 symbols to save it per greenlet, greenlets
// would silently share one context: refuse to run instead.
if (!binding.asyncContextPerGreenlet && Number(process.versions.v8.split('.')[0]) >= 12) {
  throw new Error(
    `tendril: V8 ${process.versions.v8} exports no v8::Isolate::GetContinuationPreservedEmbedderData` +
      ' that tendril knows how to call, so AsyncLocalStorage could not be kept per greenlet. ' +
      'This runtime is not supported yet: please report it with `node -p process.versions`.',
  );
}

const mailbox = binding.mailbox;

/**
 * Hands the V8 lock to `carrier`, parks this thread waiting for `kind`, and returns why
 * it was woken. A greenlet that waits for WaitKind.Call wakes the main greenlet only to
 * serve its onMain() call (the event loop does not get the turn; see native/turn.h).
 */
export function switchCarrier(carrier: number, kind: WaitKind): Wake {
  mailbox[0] = carrier;
  mailbox[2] = kind;
  binding.switchTo();
  const outcome = mailbox[1]!;
  if (outcome >= 0) return outcome as Wake;
  // Too close to the stack's end to run what follows a resume: an overflow, raised before
  // anything was switched (a retry a few frames up succeeds).
  if (outcome === REFUSED_NO_STACK) throw new RangeError('Maximum call stack size exceeded');
  throw new GreenletError(
    outcome === REFUSED_SHUTTING_DOWN
      ? 'cannot switch greenlets while the environment is shutting down'
      : 'internal error: switch to a carrier that is not parked',
  );
}
