// Compiled (not run) by test/types.test.mjs against the packed package, under --strict,
// in every module resolution mode. Each expect-error directive must meet a real error:
// if a type became `any`, tsc reports the directive as unused and the test fails; so
// does notAny() below for a value typed `any`.
import {
  Greenlet, getCurrent, settrace, gettrace, onMain, configure, stats, GreenletExit, GreenletError,
  waitFor, sleep, blocking, spawn, asyncify, Task, Channel, ChannelClosed, fromEvent,
} from 'tendril';
import type { Tracer, TraceEvent, RunFunction, EventValue, Blocking } from 'tendril';
import { EventEmitter } from 'node:events';
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

/** Compiles for any value but one typed `any` (then the second argument is missing). */
declare function notAny<T>(value: T, ...isAny: 0 extends 1 & T ? ['is any'] : []): void;

// --- Greenlet<A, R>: run's parameters check every switch() to it ----------------------
const g = new Greenlet((a: number, b: number) => a + b);
const back: unknown = g.switch(1, 2);
// @ts-expect-error run takes (a: number, b: number)
g.switch('1', 2);
// @ts-expect-error run takes two arguments
g.switch(1);
const typed: Greenlet<[a: number, b: number], number> = g;
const anyGreenlet: Greenlet = g; // plain Greenlet: any arguments, e.g. a resume value
anyGreenlet.switch('resumed with a string');
Greenlet.main.switch('anything', 2, {});
// @ts-expect-error unannotated run parameters are unknown, not any
new Greenlet((a, b) => a + b);
new Greenlet((a, b) => {
  notAny(a);
  notAny(b);
});
notAny(g.switch(1, 2));
const parented = new Greenlet(() => 1, g);
const thrown: unknown = g.throw(new Error('x'));
const parent: Greenlet | null = parented.parent;
parented.parent = Greenlet.main;
const flags: boolean[] = [g.dead, g.started, g.active, g.isMain];
const late = new Greenlet();
late.run = (x: string) => x.length;
const run: ((...args: unknown[]) => unknown) | undefined = late.run;
const runOfG: RunFunction<[a: number, b: number], number> | undefined = g.run;
const current: Greenlet = getCurrent();
const previous: Tracer | null = settrace((event: TraceEvent, origin: Greenlet, target: Greenlet) => {
  void [event, origin, target];
});
const tracer: Tracer | null = gettrace();
const n: number = onMain(() => 42);
configure({ stackSize: 2 * 1024 * 1024, idleCarriers: 4, mirrorMainStack: true });
const s: { greenlets: number; carriers: number; idleCarriers: number } = stats();
const onCarriers: number = stats().gc.carriers.full + stats().gc.carriers.sweeps;
const mirrored: boolean = stats().gc.mirror.on;
const exitIsError: Error = new GreenletExit();
const misuseIsError: Error = new GreenletError('m');

class Worker extends Greenlet {
  run(x: string): string {
    return x;
  }
}
new Worker().switch('hi');
class TypedWorker extends Greenlet<[x: string], string> {
  run(x: string): string {
    return x;
  }
}
// @ts-expect-error TypedWorker runs with a string
new TypedWorker().switch(1);

// --- waiting, tasks -------------------------------------------------------------------
const text: string = waitFor(Promise.resolve('text'));
sleep(10);
const read: (path: string) => string = blocking(async (path: string) => path.toUpperCase());
const task: Task<number> = spawn((x: number) => x * 2, 21);
// @ts-expect-error spawn checks the arguments against fn
spawn((x: number) => x * 2, '21');
const taskPromise: Promise<number | GreenletExit> = task.promise; // a killed task ends with its GreenletExit
const joined: number | GreenletExit = task.join();
const asyncDouble: (x: number) => Promise<number> = asyncify((x: number) => x * 2);

// blocking() keeps the overloads of what it wraps.
const readFile = blocking(fs.promises.readFile);
const textOfFile: string = readFile('notes.txt', 'utf8');
const bytesOfFile: Buffer = readFile('notes.txt');
// @ts-expect-error with an encoding, readFile gives a string
const notBytes: Buffer = readFile('notes.txt', 'utf8');
const blockingType: Blocking<(x: number) => Promise<string>> = (x: number) => String(x);

// --- channels -------------------------------------------------------------------------
const channel = new Channel<number>();
channel.send(1);
const received: number = channel.receive();
for (const value of channel) void (value satisfies number);
const tried = channel.tryReceive();
if (tried.ok) void (tried.value satisfies number);
// @ts-expect-error a Channel<number> takes numbers
channel.send('one');
const closed: Error = new ChannelClosed();

// fromEvent() reads the element type from the emitter's typings where they name it.
const keys = fromEvent(process.stdin, 'data'); // @types/node: 'data' gives a Buffer
const key: string = keys.receive().toString();
const socketData: Channel<Buffer> = fromEvent(new net.Socket(), 'data', { closeOn: 'close' });
const exits = fromEvent(childProcess.spawn('true'), 'exit'); // several arguments: an array
const [code, signal] = exits.receive();
const exitCode: number | null = code;
void signal;
const ticker = new EventEmitter<{ tick: [n: number]; done: [] }>();
const ticks: Channel<number> = fromEvent(ticker, 'tick');
const dones: Channel<undefined> = fromEvent(ticker, 'done');
class Ticker extends EventEmitter<{ tick: [n: number] }> {} // TypeScript cannot read a subclass's map
notAny(fromEvent(new Ticker(), 'tick').receive());
const plain = fromEvent(new EventEmitter(), 'data'); // nothing names it: unknown
notAny(plain.receive());
// @ts-expect-error unknown until the type is named
plain.receive().toString();
const named: Channel<string> = fromEvent<string>(new EventEmitter(), 'line');
const chunks = fromEvent(fs.createReadStream('notes.txt'), 'data'); // @types/node says `any` here
notAny(chunks.receive());
const valueType: EventValue<typeof ticker, 'tick'> = 1;
// @ts-expect-error fromEvent takes an emitter or an event target
fromEvent({}, 'data');

// --- misuse the types reject ----------------------------------------------------------
// @ts-expect-error run must be a function
new Greenlet(42);
// @ts-expect-error parent must be a Greenlet
new Greenlet(() => 1, {});
// @ts-expect-error the tracer's event is 'switch' | 'throw'
const badTrace: TraceEvent = 'resume';
// @ts-expect-error stackSize is a number
configure({ stackSize: '1M' });
// @ts-expect-error mirrorMainStack is a boolean
configure({ mirrorMainStack: 1 });
// @ts-expect-error onMain takes a function
onMain(42);

void [back, typed, thrown, parent, flags, run, runOfG, current, previous, tracer, n, s, exitIsError, misuseIsError,
  text, read, taskPromise, joined, asyncDouble, textOfFile, bytesOfFile, notBytes, blockingType, received, closed,
  key, socketData, exitCode, ticks, dones, named, valueType, badTrace, onCarriers, mirrored];
