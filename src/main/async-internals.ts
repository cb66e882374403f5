// Node's async-hooks stack, reached from outside Node's own code.
//
// The stack lives in lib/internal/async_hooks.js (typed arrays shared with C++, plus
// push/pop functions that keep them consistent), and Node offers no public way to touch
// it: process.binding('async_wrap') warns on Node 20 and 22 and is gone from Node 24.
// The public door left on every supported Node (and in Electron) is the inspector: an
// in-process session lists the variables a function of that module closes over
// ([[Scopes]]) and can hand them to a function of ours. That happens once per thread,
// synchronously, and the session is closed at once. Where the inspector is missing (a
// build without it, the permission model) or Node's internals look different, there
// are no internals and greenlets fall back to refusing what they cannot do safely.
import { executionAsyncId } from 'node:async_hooks';

/** The parts of lib/internal/async_hooks.js that tendril uses (same names there). */
export interface AsyncHooksInternals {
  /** async_hook_fields: hook counts and the stack's length, by the constants below. */
  readonly fields: Uint32Array;
  /** async_id_fields: the execution and trigger ids of the top of the stack. */
  readonly ids: Float64Array;
  /** execution_async_resources: the resource of each frame pushed from JavaScript. */
  readonly resources: unknown[];
  /** The native frames' resources (internalBinding('async_wrap').executionAsyncResource). */
  readonly nativeResource: (index: number) => unknown;
  /** Pushes a frame and runs the `before` hooks, as before a callback. */
  readonly emitBefore: (asyncId: number, triggerAsyncId: number, resource: unknown) => void;
  /** Runs the `after` hooks (the caller checks that there are any). */
  readonly emitAfterHooks: (asyncId: number) => void;
  /** Pops the top frame, which must be `asyncId`'s. */
  readonly pop: (asyncId: number) => boolean;
  readonly kStackLength: number;
  readonly kExecutionAsyncId: number;
  readonly kTriggerAsyncId: number;
  readonly kAfter: number;
}

type Post = (method: string, params: object) => any;

const PROBE = Symbol.for('tendril.asyncHooksProbe');
const PROBE_EXPRESSION = "globalThis[Symbol.for('tendril.asyncHooksProbe')]";

/** Runs one inspector command; in-process sessions answer synchronously. */
function poster(session: import('node:inspector').Session): Post {
  return (method, params) => {
    let answered = false;
    let failure: Error | null = null;
    let answer: unknown;
    session.post(method, params, (error: Error | null, result: unknown) => {
      answered = true;
      failure = error;
      answer = result;
    });
    if (!answered) throw new Error(`inspector ${method} did not answer synchronously`);
    if (failure !== null) throw failure;
    return answer;
  };
}

/** A remote handle on a value of ours: parked under a global symbol just long enough. */
function remote(post: Post, value: unknown): string {
  (globalThis as Record<symbol, unknown>)[PROBE] = value;
  try {
    return post('Runtime.evaluate', { expression: PROBE_EXPRESSION }).result.objectId as string;
  } finally {
    delete (globalThis as Record<symbol, unknown>)[PROBE];
  }
}

/** The variables of the module closure of executionAsyncId (internal/async_hooks.js). */
function readClosure(post: Post, names: readonly string[]): unknown[] {
  const probe = remote(post, executionAsyncId);
  const internal = post('Runtime.getProperties', { objectId: probe, ownProperties: true }).internalProperties as
    | { name: string; value: { objectId: string } }[]
    | undefined;
  const scopes = internal?.find((property) => property.name === '[[Scopes]]');
  if (scopes === undefined) throw new Error('no [[Scopes]]');
  const chain = post('Runtime.getProperties', { objectId: scopes.value.objectId, ownProperties: true }).result as {
    value: { objectId: string };
  }[];
  for (const scope of chain) {
    const variables = post('Runtime.getProperties', { objectId: scope.value.objectId, ownProperties: true })
      .result as { name: string; value?: { objectId?: string } }[];
    const handles = names.map((name) => variables.find((variable) => variable.name === name)?.value?.objectId);
    if (handles.some((handle) => handle === undefined)) continue;
    let values: unknown[] = [];
    const receive = (...received: unknown[]): void => {
      values = received;
    };
    post('Runtime.callFunctionOn', {
      objectId: remote(post, receive),
      functionDeclaration: 'function (...values) { this(...values); }',
      arguments: handles.map((objectId) => ({ objectId })),
    });
    return values;
  }
  throw new Error('internal/async_hooks.js closure not found');
}

function isFunction(value: unknown): value is (...args: any[]) => any {
  return typeof value === 'function';
}

function capture(): AsyncHooksInternals | null {
  let session: import('node:inspector').Session;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const inspector = require('node:inspector') as typeof import('node:inspector');
    session = new inspector.Session();
    session.connect();
  } catch {
    return null; // no inspector in this build, or the permission model forbids it
  }
  try {
    const [binding, fields, ids, resources, emitBefore, emitAfterHooks, pop] = readClosure(poster(session), [
      'async_wrap',
      'async_hook_fields',
      'async_id_fields',
      'execution_async_resources',
      'emitBeforeScript',
      'emitAfterNative',
      'popAsyncContext',
    ]) as [any, unknown, unknown, unknown, unknown, unknown, unknown];
    const constants = binding?.constants as Record<string, unknown> | undefined;
    const { kStackLength, kExecutionAsyncId, kTriggerAsyncId, kAfter } = constants ?? {};
    if (
      !(fields instanceof Uint32Array) ||
      !(ids instanceof Float64Array) ||
      !Array.isArray(resources) ||
      !isFunction(binding.executionAsyncResource) ||
      !isFunction(emitBefore) ||
      !isFunction(emitAfterHooks) ||
      !isFunction(pop) ||
      typeof kStackLength !== 'number' ||
      typeof kExecutionAsyncId !== 'number' ||
      typeof kTriggerAsyncId !== 'number' ||
      typeof kAfter !== 'number' ||
      ids[kExecutionAsyncId] !== executionAsyncId()
    ) {
      return null;
    }
    return {
      fields,
      ids,
      resources,
      nativeResource: (index) => binding.executionAsyncResource(index),
      emitBefore,
      emitAfterHooks,
      pop,
      kStackLength,
      kExecutionAsyncId,
      kTriggerAsyncId,
      kAfter,
    };
  } catch {
    return null; // Node's internals changed shape: do without them
  } finally {
    session.disconnect();
  }
}

let internals: AsyncHooksInternals | null | undefined;

/**
 * Node's async-hooks internals of this thread, or null where they cannot be reached.
 * The first call does the work (a few milliseconds); make it on the thread's main
 * greenlet, where Node's inspector agent expects to be called.
 */
export function asyncHooksInternals(): AsyncHooksInternals | null {
  if (internals === undefined) internals = capture();
  return internals;
}
