// The one place where python-greenlet's observable behaviour is mapped onto tendril's.
// Both generated programs print a trace through a `fmt()` that turns every value and
// error into a canonical string; the tables below are what that canonicalisation uses
// (the Python table is embedded into the generated Python prelude, see gen.mjs), so a
// difference between the two implementations shows up as a difference in the traces.
//
// Values (DESIGN.md "Public API"; /work/shared/greenlet-semantics.md):
//   python                          javascript                      canonical
//   ()  (a no-argument resume)      undefined                       undefined
//   (a, b)  (several arguments)     [a, b]                          [a,b]
//   None                            null                            null
//   True / False                    true / false                    true / false
//   int, str                        number, string                  42, "s" (JSON)
//   a greenlet                      a Greenlet                      its name (main, g0, g1, ...)
//   run(*args) at start             run(...args) at start           [args...] (always a list)
//   bool(g)                         g.active                        true / false
//   settrace/gettrace function      same                            its name (tracer, raiser)
// No program passes an empty tuple / empty array as a value, so `()` only ever means
// "resumed with no arguments" and the mapping is a bijection on what programs produce.
//
// Errors the programs raise themselves keep their class and payload on both sides:
//   E(v) -> "E(v)"; GreenletExit with payload v -> "GreenletExit(v)"; a GreenletExit
//   made by the library (g.throw() with no argument) -> "GreenletExit"; NoTarget (the
//   programs' own "that greenlet does not exist (yet)") -> "NoTarget".
// Errors the libraries raise map by class and message onto a canonical kind below.

/** python-greenlet 2.0.2 exception (class name, message pattern) -> canonical kind. */
export const PYTHON_ERRORS = [
  // g.parent = <ancestor or self>
  ['ValueError', '^cyclic parent chain$', 'GreenletError(cycle)'],
  // g.parent = None / a non-greenlet
  ['TypeError', '^GreenletChecker: Expected any type of greenlet', 'TypeError(not-a-greenlet)'],
  // main.parent = x
  ['AttributeError', '^cannot set the parent of a main greenlet$', 'GreenletError(main-parent)'],
  // g.run = f after g started
  ['AttributeError', '^run cannot be set after the start of the greenlet$', 'GreenletError(run-after-start)'],
  // main.run = f. Deliberate difference in wording only: tendril treats the main
  // greenlet as a started greenlet ("cannot set run of a greenlet that has started"),
  // python-greenlet says main greenlets have no run attribute. Same kind of misuse.
  ['AttributeError', '^Main greenlets do not have a run attribute\\.$', 'GreenletError(run-after-start)'],
  // switch()/throw() to a greenlet that has no run (python looks up the attribute `run`)
  ['AttributeError', '^run$', 'GreenletError(no-run)'],
  // python-greenlet's own greenlet.error (cross-thread switches; not produced by
  // single-threaded programs, listed so a surprise is named)
  ['error', '', 'GreenletError(other)'],
];

/** tendril error (constructor name, message pattern) -> canonical kind. */
export const JS_ERRORS = [
  ['GreenletError', '^cyclic parent chain', 'GreenletError(cycle)'],
  ['TypeError', '^parent must be a Greenlet of this thread', 'TypeError(not-a-greenlet)'],
  ['GreenletError', '^cannot set the parent of a main greenlet', 'GreenletError(main-parent)'],
  ['GreenletError', '^cannot set run of a greenlet that has started', 'GreenletError(run-after-start)'],
  ['GreenletError', '^cannot switch to a greenlet that has no run function', 'GreenletError(no-run)'],
];

/**
 * Deliberate design differences between tendril and python-greenlet that the
 * generator steers around (it never emits these forms), each with the reason.
 * Everything else the generator emits must trace identically.
 */
export const DESIGN_DIFFERENCES = [
  ['greenlet(run=3): python accepts any object as run and fails at the first switch; ' +
    'tendril throws TypeError in the constructor', 'JS has no callable protocol to defer to; failing early is DESIGN.md\'s contract ("a non-greenlet parent is a TypeError", run must be a function)'],
  ['switch(**kwargs): python passes keyword arguments (a dict, or (args, kwargs))', 'JavaScript has no keyword arguments (DESIGN.md)'],
  ['a no-argument resume: python returns (), tendril undefined', 'DESIGN.md: "the target\'s pending switch() returns undefined for no args"; mapped, not avoided'],
  ['g.throw(SomeClass) / g.throw(typ, val, tb): python instantiates classes and takes a traceback', 'JS throws values, not classes; tendril takes one value to raise'],
  ['g.throw(3): python raises TypeError (not an exception); tendril raises 3 as it is', 'JS can throw any value (README: "non-Error values can be thrown and arrive as they are")'],
  ['reading g.run after start: python raises AttributeError, tendril returns undefined', 'DESIGN.md: run is "settable before start"; the getter of a started greenlet is undefined'],
  ['a function that falls off its end: python returns None, JS undefined', 'language difference; the programs always return explicitly'],
  ['greenlet(None, parent): python sets run to None and fails at the first switch with "\'NoneType\' object is not callable"; ' +
    'new Greenlet(null, parent) is a greenlet without run (GreenletError at the first switch, as python\'s greenlet() without run)',
    'DESIGN.md: new Greenlet(run?, parent?); null and undefined both mean "not given" in JS. The programs create run-less greenlets as greenlet() / greenlet(parent=p) in python'],
  ['garbage collection kills a suspended greenlet: python at once (reference counting), tendril when V8 collects its object',
    'not deterministic in JS (FinalizationRegistry); the programs keep every greenlet referenced until the batch ends and kill leftovers explicitly (cleanup lines)'],
];

/**
 * Bugs of the reference (python-greenlet 2.0.2, Debian's python3-greenlet) that the
 * programs steer around, identically on both sides (gen.mjs: exit_lands_unstarted,
 * steer, throw_), so that a comparison never depends on them. Each steer prints a
 * "steer:" trace line on both sides.
 */
export const REFERENCE_BUGS = [
  ['A GreenletExit result delivered to a greenlet that never started (it escapes run, or g.throw(GreenletExit) ' +
    'kills an unstarted or dead g, and the parent it goes to was never started): greenlet 2.x passes the ' +
    'exception object itself where its C++ code expects the argument tuple (g_handle_exit returns the ' +
    'exception, not a 1-tuple; greenlet 0.4 packed it) and calls run(*exc): with a plain GreenletExit() ' +
    'run() gets no arguments, with a GreenletExit carrying an attribute python3 dies with SIGSEGV ' +
    '(test/diff/corpus.json seeds 109, 111, 364). tendril calls run(exc), as DESIGN.md says ("a result ... ' +
    'delivered to a parent that never started starts it with the result"; GreenletExit "is returned as the value").',
    'programs turn such an exit into an ordinary return of the GreenletExit (both sides), and skip such a throw'],
];

/** Python source of the error table, for the generated prelude. */
export function pythonErrorTable() {
  return `[${PYTHON_ERRORS.map(([cls, re, canon]) => `(${JSON.stringify(cls)}, ${JSON.stringify(re)}, ${JSON.stringify(canon)})`).join(', ')}]`;
}

/** JavaScript source of the error table, for the generated prelude. */
export function jsErrorTable() {
  return JSON.stringify(JS_ERRORS);
}
