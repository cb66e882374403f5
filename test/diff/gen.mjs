// Seeded generator of random greenlet programs, emitted both as Python (for
// python-greenlet) and as JavaScript (for tendril). A program is a set of greenlet
// "slots", each with a straight-line script run by its run function, and a script for
// the main greenlet. Every statement runs at most once (scripts are straight-line and a
// greenlet runs once), so every program terminates. Both emitted programs print the
// same trace when the two libraries agree; test/diff/mapping.mjs says how values and
// errors are written in it.
//
// Statements (tag = where it is, e.g. g2.3 = slot 2, statement 3):
//   create   G[k] = greenlet(run_k | None, parent)   parent: default | None | a target
//   switch   T(t).switch(...values)                  0, 1 or several values
//   throw    T(t).throw() | .throw(E(v)) | .throw(GreenletExit with payload v)
//   setparent T(t).parent = T(p) | None               cycles, non-greenlets, main
//   setrun   T(t).run = run_k                         before or after start, main
//   state    dead, bool/active, parent of T(t)
//   cur      getcurrent()
//   settrace tracer | raiser (raises E(v) once, python and tendril remove it) | None
//   gettrace
//   mark     a plain trace line
//   return v | return getcurrent() | raise E(v) | raise GreenletExit(v)  (end of a script)
// Targets t: a slot index, 'main', 'self' (getcurrent()), 'parent', 'gp' (grandparent);
// a slot not created yet, or a missing parent, raises the programs' own NoTarget.
// Any statement may be wrapped in try/catch that logs what it caught; in the main
// script every statement is, in greenlet scripts about half are (the rest propagate:
// through run, to the parent, as the libraries define).
import { pythonErrorTable, jsErrorTable } from './mapping.mjs';

export function rng(seed) {
  let a = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    weighted(table) {
      const total = table.reduce((s, [w]) => s + w, 0);
      let x = next() * total;
      for (const [w, v] of table) {
        if ((x -= w) < 0) return v;
      }
      return table[table.length - 1][1];
    },
  };
  return r;
}

const STRINGS = ['a', 'b', 'xy', 'z z'];

/** Builds the program for `seed` (a plain JSON-able object). */
export function generate(seed) {
  const r = rng(seed);
  let payload = 0; // every E(v) / GreenletExit(v) gets a distinct payload: identity shows
  const nextPayload = () => ++payload;
  const nSlots = 2 + r.int(6);
  const slots = [];
  for (let k = 0; k < nSlots; k++) {
    slots.push({
      k,
      nested: k > 0 && r.chance(0.35), // created inside another slot's script
      creator: -1,
      withRun: r.chance(0.9),
    });
  }
  for (const s of slots) if (s.nested) s.creator = r.int(s.k); // created by an earlier slot

  const value = () =>
    r.weighted([
      [6, r.int(100)],
      [3, r.pick(STRINGS)],
      [1, null],
    ]);
  // slots more likely to exist when the statement runs weigh more: top-level slots
  // from main, any slot from a greenlet
  const target = (self, nested) => {
    const slot = () => {
      if (self !== 'main' || r.chance(0.3)) return r.int(nSlots);
      const top = slots.filter((s) => !s.nested);
      return r.pick(top).k;
    };
    return r.weighted([
      [self === 'main' ? 14 : 10, slot()],
      [self === 'main' ? 0 : 4, 'main'],
      [1, 'self'],
      [nested ? 3 : 1, 'parent'],
      [nested ? 3 : 1, 'gp'],
    ]);
  };
  // the parent of a new slot k: the default, None, main, an earlier slot (created
  // before k in the common case), or for nested creations the creator's ancestors
  const parentSpec = (k, nested) =>
    r.weighted([
      [4, { kind: 'default' }],
      [1, { kind: 'none' }],
      [1, { kind: 'target', t: 'main' }],
      [k > 0 ? 4 : 0, { kind: 'target', t: r.int(Math.max(k, 1)) }],
      [nested ? 1 : 0, { kind: 'target', t: 'parent' }],
      [nested ? 1 : 0, { kind: 'target', t: 'gp' }],
    ]);
  const error = () => (r.chance(0.75) ? { cls: 'E', v: nextPayload() } : { cls: 'GX', v: nextPayload() });

  const statement = (self, nested) => {
    const inMain = self === 'main';
    const op = r.weighted([
      [inMain ? 40 : 34, 'switch'],
      [inMain ? 14 : 10, 'throw'],
      [6, 'setparent'],
      [3, 'setrun'],
      [5, 'state'],
      [inMain ? 1 : 4, 'cur'],
      [4, 'settrace'],
      [1, 'gettrace'],
      [2, 'mark'],
    ]);
    const catchIt = inMain || r.chance(0.5);
    switch (op) {
      case 'switch': {
        const n = r.weighted([[3, 0], [5, 1], [2, 2], [1, 3]]);
        return { op, t: target(self, nested), args: Array.from({ length: n }, value), catch: catchIt };
      }
      case 'throw':
        return { op, t: target(self, nested), err: r.chance(0.3) ? null : error(), catch: catchIt };
      case 'setparent':
        return { op, t: target(self, nested), p: r.chance(0.1) ? 'none' : target(self, nested), catch: catchIt };
      case 'setrun':
        return { op, t: target(self, nested), k: r.int(nSlots), catch: catchIt };
      case 'state':
        return { op, t: target(self, nested), catch: catchIt };
      case 'settrace':
        return {
          op,
          which: r.weighted([[3, 'tracer'], [1, 'raiser'], [3, 'none']]),
          v: nextPayload(),
          catch: catchIt,
        };
      default:
        return { op, catch: catchIt };
    }
  };

  const scripts = slots.map((s) => {
    const body = [];
    const n = r.int(6);
    for (let i = 0; i < n; i++) body.push(statement(s.k, s.nested));
    const end = r.weighted([
      [6, { op: 'return', v: value() }],
      [1, { op: 'return', v: 'self' }],
      [3, { op: 'raise', err: error() }],
    ]);
    body.push(end);
    return body;
  });
  // creations: nested slots inside their creator's script, the others in main
  for (const s of slots) {
    if (!s.nested) continue;
    const body = scripts[s.creator];
    const at = r.chance(0.7) ? 0 : r.int(body.length); // before the terminal statement
    body.splice(at, 0, { op: 'create', k: s.k, parent: parentSpec(s.k, true), catch: r.chance(0.5) });
  }
  const main = [];
  const nMain = 6 + r.int(13);
  for (let i = 0; i < nMain; i++) main.push(statement('main', false));
  let pos = 0;
  for (const s of slots) {
    if (s.nested) continue;
    // top-level slots are created in order, early in main (sometimes after first use)
    if (r.chance(0.2)) pos = Math.min(main.length, pos + r.int(4));
    main.splice(pos, 0, { op: 'create', k: s.k, parent: parentSpec(s.k, false), catch: true });
    pos++;
  }
  // a slot created without run gets one set somewhere in main (maybe too late)
  for (const s of slots) {
    if (!s.withRun && r.chance(0.7)) main.splice(r.int(main.length + 1), 0, { op: 'setrun', t: s.k, k: s.k, catch: true });
  }
  return { seed, slots, scripts, main };
}

// ---------------------------------------------------------------------------------------
// Python

const pyValue = (v) => (v === null ? 'None' : typeof v === 'string' ? JSON.stringify(v) : String(v));
const pyTarget = (t) => (typeof t === 'number' ? String(t) : JSON.stringify(t));
const pyErr = (err) => (err.cls === 'E' ? `E(${err.v})` : `GX(${err.v})`);

function pyStatement(s, tag, ind) {
  const L = (line) => `${ind}${line}`;
  let lines;
  switch (s.op) {
    case 'create': {
      const p =
        s.parent.kind === 'default' ? '' : s.parent.kind === 'none' ? ', None' : `, T(${pyTarget(s.parent.t)})`;
      lines = [
        L(`G[${s.k}] = mk(ALL, ${s.k}, RUN[${s.k}]${p})`),
        L(`log(${JSON.stringify(tag)}, 'created', fmt(G[${s.k}]), fmt(G[${s.k}].parent))`),
      ];
      break;
    }
    case 'switch':
      lines = [L(`log(${JSON.stringify(tag)}, 'switch->', fmt(switch_(${JSON.stringify(tag)}, ${pyTarget(s.t)}, T(${pyTarget(s.t)})${s.args.map((a) => `, ${pyValue(a)}`).join('')})))`)];
      break;
    case 'throw':
      lines = [L(`log(${JSON.stringify(tag)}, 'throw->', fmt(throw_(T(${pyTarget(s.t)})${s.err ? `, ${pyErr(s.err)}` : ''})))`)];
      break;
    case 'setparent':
      lines = [
        L(`x = T(${pyTarget(s.t)})`),
        L(`x.parent = ${s.p === 'none' ? 'None' : `T(${pyTarget(s.p)})`}`),
        L(`log(${JSON.stringify(tag)}, 'parent=', fmt(x), fmt(x.parent))`),
      ];
      break;
    case 'setrun':
      lines = [L(`x = T(${pyTarget(s.t)})`), L(`x.run = RUNS[${s.k}]`), L(`log(${JSON.stringify(tag)}, 'run=', fmt(x))`)];
      break;
    case 'state':
      lines = [L(`x = T(${pyTarget(s.t)})`), L(`log(${JSON.stringify(tag)}, 'state', fmt(x), fmt(x.dead), fmt(bool(x)), fmt(x.parent))`)];
      break;
    case 'cur':
      lines = [L(`log(${JSON.stringify(tag)}, 'current', fmt(getcurrent()))`)];
      break;
    case 'settrace': {
      const fn = s.which === 'tracer' ? 'tracer' : s.which === 'raiser' ? `mkraiser(${s.v})` : 'None';
      lines = [L(`log(${JSON.stringify(tag)}, 'settrace', fmt(settrace(${fn})))`)];
      break;
    }
    case 'gettrace':
      lines = [L(`log(${JSON.stringify(tag)}, 'gettrace', fmt(gettrace()))`)];
      break;
    case 'mark':
      lines = [L(`log(${JSON.stringify(tag)}, 'mark')`)];
      break;
    case 'return':
      lines = [L(`return ${s.v === 'self' ? 'getcurrent()' : pyValue(s.v)}`)];
      break;
    case 'raise':
      lines = [L(`raise ${pyErr(s.err)}`)];
      break;
    default:
      throw new Error(`unknown op ${s.op}`);
  }
  if (!s.catch) return lines;
  return [
    L('try:'),
    ...lines.map((l) => `    ${l}`),
    L('except BaseException as e:'),
    L(`    log(${JSON.stringify(tag)}, 'caught', fmt(e))`),
  ];
}

export function emitPython(prog) {
  const out = [];
  const n = prog.slots.length;
  out.push(`def prog_${prog.seed}():`);
  out.push(`    G = [None] * ${n}`);
  out.push('    ALL = []  # every greenlet the program creates, in order');
  out.push(`    STARTS = [0] * ${n}  # how often each run function started`);
  out.push('    def T(t): return target(G, t)');
  out.push('    def tracer(event, args):');
  out.push("        log('trace', event, fmt(args[0]), fmt(args[1]))");
  prog.scripts.forEach((body, k) => {
    out.push(`    def run_${k}(*a):`);
    out.push(`        log('g${k}', 'run', fmtargs(a))`);
    out.push(`        STARTS[${k}] += 1`);
    out.push(`        if STARTS[${k}] > MAX_STARTS: return limit('g${k}')`);
    out.push('        try:');
    body.forEach((s, i) => out.push(...pyStatement(s, `g${k}.${i}`, '            ')));
    out.push('        except GreenletExit as e:');
    out.push(`            if exit_lands_unstarted(getcurrent()): return steer('g${k}', e)`);
    out.push('            raise');
  });
  out.push(`    RUNS = [${prog.scripts.map((_, k) => `run_${k}`).join(', ')}]`);
  out.push(`    RUN = [${prog.slots.map((s) => (s.withRun ? `run_${s.k}` : 'None')).join(', ')}]`);
  out.push('    def main_():');
  prog.main.forEach((s, i) => out.push(...pyStatement(s, `main.${i}`, '        ')));
  out.push("        log('main', 'end')");
  out.push('    run_program(ALL, main_)');
  return out.join('\n');
}

export function pythonPrelude() {
  return String.raw`import sys, os, re, json
from greenlet import greenlet, getcurrent, settrace, gettrace, GreenletExit

ERRORS = ${pythonErrorTable()}
MAIN = getcurrent()
MAIN.name = 'main'
KEEP = []   # every greenlet of every program: none is collected (and killed) mid-batch
STATE = {'seed': 0, 'quiet': False}

def log(*parts):
    if not STATE['quiet']:
        sys.stdout.write('%d\t%s\n' % (STATE['seed'], ' '.join(parts)))

class E(Exception):
    def __init__(self, v):
        Exception.__init__(self, v)
        self.v = v

class NoTarget(Exception):
    pass

def GX(v):
    e = GreenletExit()
    e.v = v
    return e

def fmt(x):
    if x is None: return 'null'
    if x is True: return 'true'
    if x is False: return 'false'
    if isinstance(x, int): return str(x)
    if isinstance(x, str): return json.dumps(x)
    if isinstance(x, tuple):
        return 'undefined' if len(x) == 0 else '[' + ','.join(fmt(y) for y in x) + ']'
    if isinstance(x, greenlet): return getattr(x, 'name', '?greenlet')
    if isinstance(x, BaseException): return fmterr(x)
    if callable(x): return getattr(x, '__name__', '?function')
    return '?' + type(x).__name__

def fmtargs(a):
    return '[' + ','.join(fmt(y) for y in a) + ']'

def fmterr(e):
    if isinstance(e, E): return 'E(%s)' % fmt(e.v)
    if isinstance(e, NoTarget): return 'NoTarget'
    if isinstance(e, GreenletExit):
        return 'GreenletExit(%s)' % fmt(e.v) if hasattr(e, 'v') else 'GreenletExit'
    name, msg = type(e).__name__, str(e)
    for cls, rx, canon in ERRORS:
        if name == cls and re.search(rx, msg):
            return canon
    return 'py:%s:%s' % (name, msg)

def target(G, t):
    if isinstance(t, int):
        g = G[t]
    elif t == 'main':
        g = MAIN
    elif t == 'self':
        g = getcurrent()
    elif t == 'parent':
        g = getcurrent().parent
    else:
        g = getcurrent().parent
        g = g.parent if g is not None else None
    if g is None:
        raise NoTarget()
    return g

def mk(ALL, k, run, *parent):
    # greenlet(None) would set run to None (called at the first switch); tendril's
    # new Greenlet(null) means "no run yet", which is python's greenlet() without run
    g = greenlet(run, *parent) if run is not None else greenlet(parent=parent[0]) if parent else greenlet()
    n = sum(1 for x in ALL if x.slot == k)
    g.slot = k
    g.name = 'g%d' % k if n == 0 else 'g%d#%d' % (k, n)
    ALL.append(g)
    KEEP.append(g)  # never collected: python would kill it on dealloc, and JS's GC is not deterministic
    return g

# python-greenlet 2.0.2 passes a GreenletExit result to a greenlet that never started
# as run(*exc) -- the exception object where an argument tuple belongs -- and crashes
# (SIGSEGV) or drops it (mapping.mjs REFERENCE_BUGS). Programs steer around that
# situation, identically on both sides: see exit_lands_unstarted / steer / throw_.
# A run function may start greenlets running itself (g.run = run_k), so a program
# could recurse without end: python stops at its recursion limit, tendril would start
# threads until the OS refuses. Each run function starts at most MAX_STARTS times per
# program; past that it returns at once, on both sides.
MAX_STARTS = 3

def limit(tag):
    log(tag, 'start limit')
    return 'limit'

def started(g):
    return bool(g) or g.dead

def exit_lands_unstarted(g):
    p = g.parent
    while p is not None and p.dead:
        p = p.parent
    return p is not None and not started(p)

def steer(tag, e):
    log(tag, 'steer: GreenletExit returned as a value to an unstarted parent', fmt(e))
    return e

def switch_(tag, spec, g, *args):
    if spec == 'gp':
        log(tag, 'to-grandparent', fmt(g))
    if g.dead:
        log(tag, 'to-dead', fmt(g))
    elif g is getcurrent():
        log(tag, 'to-self')
    return g.switch(*args)

def throw_(g, *err):
    exit = not err or isinstance(err[0], GreenletExit)
    if exit and not bool(g) and exit_lands_unstarted(g):
        log('steer: GreenletExit thrown into', fmt(g), 'would land in an unstarted greenlet')
        return None
    return g.throw(*err)

def mkraiser(v):
    def raiser(event, args):
        log('trace!', event, fmt(args[0]), fmt(args[1]))
        raise E(v)
    return raiser

def run_program(ALL, main_):
    settrace(None)
    try:
        main_()
    except BaseException as e:
        log('main', 'uncaught', fmt(e))
    settrace(None)
    # cleanup: kill what is still suspended, innermost (last created) first; twice, as
    # a killed greenlet may catch the GreenletExit and switch elsewhere
    for _ in range(2):
        for i in range(len(ALL) - 1, -1, -1):
            g = ALL[i]   # indexed: a killed greenlet may create others
            if bool(g):
                try:
                    log('cleanup', fmt(g), fmt(g.throw()))
                except BaseException as e:
                    log('cleanup', fmt(g), 'raised', fmt(e))
    settrace(None)
    for g in ALL:
        if bool(g):
            log('survivor', fmt(g))
`;
}

export function pythonDriver(seeds) {
  return [
    `PROGRAMS = [${seeds.map((s) => `(${s}, prog_${s})`).join(', ')}]`,
    'for seed, p in PROGRAMS:',
    "    STATE['seed'] = seed",
    "    log('#begin')",
    '    try:',
    '        p()',
    '    except BaseException as e:',
    "        log('program', 'raised', fmt(e))",
    "    log('#end')",
    '    sys.stdout.flush()',
    'sys.stdout.flush()',
    'os._exit(0)  # survivors stay suspended: no interpreter-exit kills',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------
// JavaScript

const jsValue = (v) => (v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : String(v));
const jsTarget = pyTarget;
const jsErr = (err) => (err.cls === 'E' ? `E(${err.v})` : `GX(${err.v})`);

function jsStatement(s, tag, ind) {
  const L = (line) => `${ind}${line}`;
  const q = JSON.stringify(tag);
  let lines;
  switch (s.op) {
    case 'create': {
      const p =
        s.parent.kind === 'default' ? '' : s.parent.kind === 'none' ? ', null' : `, T(${jsTarget(s.parent.t)})`;
      lines = [L(`G[${s.k}] = mk(ALL, ${s.k}, RUN[${s.k}]${p});`), L(`log(${q}, 'created', fmt(G[${s.k}]), fmt(G[${s.k}].parent));`)];
      break;
    }
    case 'switch':
      lines = [L(`log(${q}, 'switch->', fmt(switch_(${q}, ${jsTarget(s.t)}, T(${jsTarget(s.t)})${s.args.map((a) => `, ${jsValue(a)}`).join('')})));`)];
      break;
    case 'throw':
      lines = [L(`log(${q}, 'throw->', fmt(throw_(T(${jsTarget(s.t)})${s.err ? `, ${jsErr(s.err)}` : ''})));`)];
      break;
    case 'setparent':
      lines = [
        L(`{ const x = T(${jsTarget(s.t)});`),
        L(`  x.parent = ${s.p === 'none' ? 'null' : `T(${jsTarget(s.p)})`};`),
        L(`  log(${q}, 'parent=', fmt(x), fmt(x.parent)); }`),
      ];
      break;
    case 'setrun':
      lines = [L(`{ const x = T(${jsTarget(s.t)});`), L(`  x.run = RUNS[${s.k}];`), L(`  log(${q}, 'run=', fmt(x)); }`)];
      break;
    case 'state':
      lines = [L(`{ const x = T(${jsTarget(s.t)});`), L(`  log(${q}, 'state', fmt(x), fmt(x.dead), fmt(x.active), fmt(x.parent)); }`)];
      break;
    case 'cur':
      lines = [L(`log(${q}, 'current', fmt(getCurrent()));`)];
      break;
    case 'settrace': {
      const fn = s.which === 'tracer' ? 'tracer' : s.which === 'raiser' ? `mkraiser(${s.v})` : 'null';
      lines = [L(`log(${q}, 'settrace', fmt(settrace(${fn})));`)];
      break;
    }
    case 'gettrace':
      lines = [L(`log(${q}, 'gettrace', fmt(gettrace()));`)];
      break;
    case 'mark':
      lines = [L(`log(${q}, 'mark');`)];
      break;
    case 'return':
      lines = [L(`return ${s.v === 'self' ? 'getCurrent()' : jsValue(s.v)};`)];
      break;
    case 'raise':
      lines = [L(`throw ${jsErr(s.err)};`)];
      break;
    default:
      throw new Error(`unknown op ${s.op}`);
  }
  if (!s.catch) return lines;
  return [L('try {'), ...lines.map((l) => `  ${l}`), L(`} catch (e) { log(${q}, 'caught', fmt(e)); }`)];
}

export function emitJs(prog) {
  const out = [];
  const n = prog.slots.length;
  out.push(`P.push([${prog.seed}, function prog_${prog.seed}() {`);
  out.push(`  const G = new Array(${n}).fill(null);`);
  out.push('  const ALL = []; // every greenlet the program creates, in order');
  out.push(`  const STARTS = new Array(${n}).fill(0); // how often each run function started`);
  out.push('  const T = (t) => target(G, t);');
  out.push("  function tracer(event, origin, dest) { log('trace', event, fmt(origin), fmt(dest)); }");
  prog.scripts.forEach((body, k) => {
    out.push(`  function run_${k}(...a) {`);
    out.push(`    log('g${k}', 'run', fmtargs(a));`);
    out.push(`    if (++STARTS[${k}] > MAX_STARTS) return limit('g${k}');`);
    out.push('    try {');
    body.forEach((s, i) => out.push(...jsStatement(s, `g${k}.${i}`, '      ')));
    out.push('    } catch (e) {');
    out.push(`      if (e instanceof GreenletExit && exitLandsUnstarted(getCurrent())) return steer('g${k}', e);`);
    out.push('      throw e;');
    out.push('    }');
    out.push('  }');
  });
  out.push(`  const RUNS = [${prog.scripts.map((_, k) => `run_${k}`).join(', ')}];`);
  out.push(`  const RUN = [${prog.slots.map((s) => (s.withRun ? `run_${s.k}` : 'null')).join(', ')}];`);
  out.push('  function main_() {');
  prog.main.forEach((s, i) => out.push(...jsStatement(s, `main.${i}`, '    ')));
  out.push("    log('main', 'end');");
  out.push('  }');
  out.push('  runProgram(ALL, main_);');
  out.push('}]);');
  return out.join('\n');
}

/** The JavaScript prelude; `tendril` is the specifier the batch file imports. */
export function jsPrelude(tendril = 'tendril') {
  return String.raw`import { Greenlet, getCurrent, settrace, gettrace, GreenletExit, GreenletError } from ${JSON.stringify(tendril)};

const ERRORS = ${jsErrorTable()}.map(([cls, rx, canon]) => [cls, new RegExp(rx), canon]);
const MAIN = Greenlet.main;
const NAMES = new WeakMap([[MAIN, 'main']]);
const SLOTS = new WeakMap();
const KEEP = [];   // every greenlet of every program: none is collected (and killed) mid-batch
const STATE = { seed: 0, quiet: false };
const lines = [];
function log(...parts) {
  if (!STATE.quiet) lines.push(STATE.seed + '\t' + parts.join(' '));
}
function flush() {
  if (lines.length) process.stdout.write(lines.join('\n') + '\n');
  lines.length = 0;
}

class UserError extends Error {
  constructor(v) { super(String(v)); this.v = v; }
}
UserError.prototype.name = 'E';
function E(v) { return new UserError(v); }
class NoTarget extends Error {}
function GX(v) { const e = new GreenletExit(); e.v = v; return e; }

function fmt(x) {
  if (x === undefined) return 'undefined';
  if (x === null) return 'null';
  if (x === true) return 'true';
  if (x === false) return 'false';
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  if (Array.isArray(x)) return '[' + x.map(fmt).join(',') + ']';
  if (x instanceof Greenlet) return NAMES.get(x) ?? '?greenlet';
  if (x instanceof Error) return fmterr(x);
  if (typeof x === 'function') return x.name || '?function';
  return '?' + typeof x;
}
function fmtargs(a) { return '[' + a.map(fmt).join(',') + ']'; }
function fmterr(e) {
  if (e instanceof UserError) return 'E(' + fmt(e.v) + ')';
  if (e instanceof NoTarget) return 'NoTarget';
  if (e instanceof GreenletExit) return 'v' in e ? 'GreenletExit(' + fmt(e.v) + ')' : 'GreenletExit';
  const name = e.constructor?.name ?? e.name;
  for (const [cls, rx, canon] of ERRORS) if (name === cls && rx.test(e.message)) return canon;
  return 'js:' + name + ':' + e.message;
}

function target(G, t) {
  let g;
  if (typeof t === 'number') g = G[t];
  else if (t === 'main') g = MAIN;
  else if (t === 'self') g = getCurrent();
  else if (t === 'parent') g = getCurrent().parent;
  else { g = getCurrent().parent; g = g === null ? null : g.parent; }
  if (g === null || g === undefined) throw new NoTarget();
  return g;
}

function mk(ALL, k, run, ...parent) {
  const g = new Greenlet(run, ...parent);
  const n = ALL.filter((x) => SLOTS.get(x) === k).length;
  SLOTS.set(g, k);
  NAMES.set(g, n === 0 ? 'g' + k : 'g' + k + '#' + n);
  ALL.push(g);
  KEEP.push(g); // never collected: python would kill it on dealloc, and JS's GC is not deterministic
  return g;
}

// See the Python prelude: a run function starts at most MAX_STARTS times per program.
const MAX_STARTS = 3;
function limit(tag) {
  log(tag, 'start limit');
  return 'limit';
}

// See the Python prelude: programs steer around python-greenlet 2.0.2's crash when a
// GreenletExit result goes to a greenlet that never started, identically on both sides.
function exitLandsUnstarted(g) {
  let p = g.parent;
  while (p !== null && p.dead) p = p.parent;
  return p !== null && !p.started;
}
function steer(tag, e) {
  log(tag, 'steer: GreenletExit returned as a value to an unstarted parent', fmt(e));
  return e;
}
function switch_(tag, spec, g, ...args) {
  if (spec === 'gp') log(tag, 'to-grandparent', fmt(g));
  if (g.dead) log(tag, 'to-dead', fmt(g));
  else if (g === getCurrent()) log(tag, 'to-self');
  return g.switch(...args);
}
function throw_(g, ...err) {
  const exit = err.length === 0 || err[0] instanceof GreenletExit;
  if (exit && !g.active && exitLandsUnstarted(g)) {
    log('steer: GreenletExit thrown into', fmt(g), 'would land in an unstarted greenlet');
    return null;
  }
  return g.throw(...err);
}

function mkraiser(v) {
  return function raiser(event, origin, dest) {
    log('trace!', event, fmt(origin), fmt(dest));
    throw E(v);
  };
}

function runProgram(ALL, main_) {
  settrace(null);
  try {
    main_();
  } catch (e) {
    log('main', 'uncaught', fmt(e));
  }
  settrace(null);
  for (let round = 0; round < 2; round++) {
    for (let i = ALL.length - 1; i >= 0; i--) {
      const g = ALL[i]; // indexed: a killed greenlet may create others
      if (g.active) {
        try {
          log('cleanup', fmt(g), fmt(g.throw()));
        } catch (e) {
          log('cleanup', fmt(g), 'raised', fmt(e));
        }
      }
    }
  }
  settrace(null);
  for (const g of ALL) if (g.active) log('survivor', fmt(g));
}

const P = [];
`;
}

export function jsDriver() {
  return String.raw`
for (const [seed, p] of P) {
  STATE.seed = seed;
  log('#begin');
  try {
    p();
  } catch (e) {
    log('program', 'raised', fmt(e));
  }
  log('#end');
  flush();
}
flush();
`;
}
