// tendril: greenlets for Node.js and the Electron main process.
export { Greenlet, getCurrent, settrace, gettrace, onMain, configure, stats } from './greenlet';
export type { RunFunction, Tracer, TraceEvent, Options } from './greenlet';
export { GreenletExit, GreenletError } from './errors';
