// tendril: greenlets for Node.js and the Electron main process.
import './process-exit';
import './gc-watch';
export { Greenlet, getCurrent, settrace, gettrace, onMain, configure, stats, listGreenlets } from './greenlet';
export type { RunFunction, Tracer, TraceEvent, Options, Stats, GreenletInfo, GreenletState } from './greenlet';
export type { GcStats, GcWork } from './native';
export { GreenletExit, GreenletError } from './errors';
// Event-loop integration: greenlets that wait without blocking the event loop.
export { waitFor, sleep, blocking } from './wait';
export type { Blocking } from './wait';
export { spawn, asyncify, Task } from './task';
export { Channel, ChannelClosed, fromEvent } from './channel';
export type { TryReceiveResult, FromEventOptions, EventEmitterLike, EventTargetLike, EventValue } from './channel';
