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
  /** Hands the V8 lock to carrier mailbox[0]; why this thread was woken lands in mailbox[1]. */
  switchTo(): void;
  /** [target carrier, outcome]: the switch's arguments and result (see native/addon.cc). */
  mailbox: Int32Array;
  threads(): { live: number; idle: number };
  /** Collections by the thread that ran them, and the main-stack mirror (native/gc_guard.h). */
  gcStats(): GcStats;
  /** `fn()` runs once, from the event loop, after the first full collection or sweep on a carrier. */
  onFirstCarrierCollection(fn: () => void): void;
  /** Whether a switch saves and restores V8's continuation data (AsyncLocalStorage on Node 24+). */
  asyncContextPerGreenlet: boolean;
}

/** Mirrors tendril::Wake in native/core.h. */
export const enum Wake {
  Resume = 0,
  Boot = 1,
  Unwind = 2,
  Exit = 3,
  Terminate = 4,
}

export const MAIN_CARRIER = 0;
const REFUSED_SHUTTING_DOWN = -1;

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

/** Hands the V8 lock to `carrier`, parks this thread, and returns why it was woken. */
export function switchCarrier(carrier: number): Wake {
  mailbox[0] = carrier;
  binding.switchTo();
  const outcome = mailbox[1]!;
  if (outcome >= 0) return outcome as Wake;
  throw new GreenletError(
    outcome === REFUSED_SHUTTING_DOWN
      ? 'cannot switch greenlets while the environment is shutting down'
      : 'internal error: switch to a carrier that is not parked',
  );
}
