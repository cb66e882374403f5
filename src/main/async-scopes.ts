// The async scopes a greenlet enters itself (AsyncResource#runInAsyncScope, bound
// callbacks, EventEmitterAsyncResource listeners) are frames on Node's async-hooks stack,
// and that stack is one per thread of JavaScript, not one per greenlet. A greenlet that
// switches away inside such scopes takes its frames off the stack, innermost first, as if
// their callbacks returned (`after` hooks run); when it resumes it puts them back on top
// of whatever stack it finds, outermost first, as if the callbacks were called again
// (`before` hooks run). So whoever runs meanwhile finds the stack exactly as it left it,
// Node's own check ("async hook stack has become corrupted") holds, hooks see properly
// nested before/after pairs, and executionAsyncId(), triggerAsyncId() and
// executionAsyncResource() are right in every greenlet after every switch.
//
// A greenlet resumed from inside a callback runs on top of that callback's frames (the
// base it resumed at): those are not its own and stay where they are.
import { executionAsyncId } from 'node:async_hooks';
import { asyncHooksInternals } from './async-internals';
import { GreenletError } from './errors';

/** One frame a greenlet entered itself, kept while the greenlet is switched out. */
interface Frame {
  readonly asyncId: number;
  readonly triggerAsyncId: number;
  readonly resource: unknown;
}

/** The frames of a switched-out greenlet, innermost first (null: none). */
export type SavedScopes = readonly Frame[] | null;

/** True while tendril runs before/after hooks for a switch; no switch may start then. */
let runningHooks = false;

/** Reaches Node's internals once for this thread; call it on the thread's main greenlet. */
export function prepareAsyncScopes(): void {
  asyncHooksInternals();
}

export function inScopeHooks(): boolean {
  return runningHooks;
}

/**
 * Where the scopes of a greenlet resuming now begin: the depth of the stack (without
 * Node's internals: the async id it resumes in, which is all that can be compared).
 */
export function scopeBase(): number {
  const internals = asyncHooksInternals();
  return internals === null ? executionAsyncId() : internals.fields[internals.kStackLength]!;
}

/**
 * Takes the frames above `base` (the greenlet's own scopes) off the stack, running their
 * `after` hooks, and returns them. Throws GreenletError, leaving everything as it was,
 * when they cannot be taken off safely: a frame Node pushed from C++ (a native callback
 * scope, which also holds Node's callback-scope depth that drains the microtask queue)
 * or, without Node's internals, any frame at all.
 */
export function leaveScopes(base: number): SavedScopes {
  const internals = asyncHooksInternals();
  if (internals === null) {
    if (executionAsyncId() === base) return null;
    throw new GreenletError(
      'cannot switch away inside an async scope this greenlet entered (AsyncResource#runInAsyncScope, ' +
        'a bound callback, an EventEmitterAsyncResource listener): this Node gives no access to its ' +
        'async-hooks stack (the inspector is unavailable), and leaving the scope open across a switch ' +
        'would corrupt it. Switch after the scope has returned.',
    );
  }
  const { fields, ids, resources, kStackLength, kExecutionAsyncId, kTriggerAsyncId, kAfter } = internals;
  const depth = fields[kStackLength]!;
  if (depth <= base) return null;
  for (let index = base; index < depth; index++) {
    if (internals.nativeResource(index) !== undefined) {
      throw new GreenletError(
        'cannot switch away inside a callback that native code called into this greenlet ' +
          '(napi_make_callback, node::MakeCallback): Node keeps that callback scope in C++ and it ' +
          'cannot be set aside. Switch after the callback has returned.',
      );
    }
  }
  const frames: Frame[] = [];
  runningHooks = true;
  try {
    while (fields[kStackLength]! > base) {
      const frame = {
        asyncId: ids[kExecutionAsyncId]!,
        triggerAsyncId: ids[kTriggerAsyncId]!,
        resource: resources[fields[kStackLength]! - 1],
      };
      if (fields[kAfter]! > 0) internals.emitAfterHooks(frame.asyncId);
      internals.pop(frame.asyncId);
      frames.push(frame);
    }
  } finally {
    runningHooks = false;
  }
  return frames;
}

/** Puts frames that leaveScopes() returned back on the stack, running their `before` hooks. */
export function reenterScopes(frames: SavedScopes): void {
  if (frames === null) return;
  const internals = asyncHooksInternals()!;
  runningHooks = true;
  try {
    for (let index = frames.length - 1; index >= 0; index--) {
      const { asyncId, triggerAsyncId, resource } = frames[index]!;
      internals.emitBefore(asyncId, triggerAsyncId, resource);
    }
  } finally {
    runningHooks = false;
  }
}
