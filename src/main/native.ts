// Loads the switching core: the prebuilt binary for this platform when the package
// ships one, else the one `npm install` compiled.
import path from 'node:path';
import { GreenletError } from './errors';

export interface Binding {
  /** Registers the boot function carriers call and the error class native code throws. */
  configure(boot: () => number, errorClass: new (message: string) => Error, stackSize: number, maxIdle: number): void;
  /** Binds a carrier thread to a greenlet about to start; returns its id. */
  acquire(): number;
  /** Hands the V8 lock to carrier mailbox[0]; why this thread was woken lands in mailbox[1]. */
  switchTo(): void;
  /** [target carrier, outcome]: the switch's arguments and result (see native/addon.cc). */
  mailbox: Int32Array;
  threads(): { live: number; idle: number };
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

// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = require('node-gyp-build') as (dir: string) => Binding;
export const binding: Binding = load(path.join(__dirname, '..', '..'));

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
