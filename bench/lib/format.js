'use strict';
// Turns bench/results.json into tables: the console table of `npm run bench` and the
// markdown of bench/RESULTS.md (which the README table is built from).

const IMPL_ORDER = ['tendril', 'async', 'generator', 'greenlet', 'fibers'];
const ANCHORS = ['greenlet', 'fibers', 'async', 'generator'];

/** What each row measures (printed under the table). */
const LEGEND = [
  ['ping-pong', 'the main greenlet and one other switch back and forth; time per switch (a round trip is 2).'],
  ['create+start+finish', 'new Greenlet(fn).switch() where fn returns at once (async: call + await an async function; generators: fn().next()).'],
  ['round-robin', 'n parked greenlets; the main one switches to each in turn and it switches straight back; per switch. Every target has been parked for n-1 visits.'],
  ['ring', 'n greenlets each switch straight to the next (no scheduler in between); per switch. Generators and fibers are asymmetric (only the caller resumes), so n/a.'],
  ['event dispatch', "EventEmitter 'ping' → fromEvent() Channel → a greenlet waiting in receive() emits 'pong' → the awaiting main greenlet; per round trip (async: events.on() iterator; generators/fibers: the listener resumes the coroutine)."],
  ['waitFor', 'waitFor(Promise.resolve(i)) in a spawned greenlet (async: await; generators: a co-style driver; fibers: yield + run() from then()).'],
  ['CPUs busy', 'the same pattern while one busy loop per CPU (a child process of the suite, in its scheduling group) competes for the machine; the anchors ran under the same load.'],
  ['60 Hz GUI loop', 'an input event every 1/60 s reaches the app greenlet through a fromEvent() channel; it runs a burst of app logic, makes five marshalled calls (ui-style, each one a property read and a call on the main thread) and waits for the next event. The figure is the CPU time of the whole process (every thread) per event divided by the wall time the event takes (emit to the greenlet waiting again): time spent spinning beyond the work shows up above ×1.'],
  ['RSS / threads per parked', 'VmRSS and /proc/self/task before and after parking n greenlets, fresh process per run, after forced GCs; difference ÷ n.'],
  ['max concurrent', 'parked greenlets started in a child process until the OS refuses (GreenletError) or the cap is reached.'],
];

function num(x, digits) {
  if (!Number.isFinite(x)) return String(x);
  const d = digits !== undefined ? digits : Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** A unit for a value of the row's kind, chosen from the value's size. */
function unitFor(kind, value) {
  if (kind === 'time') {
    const a = Math.abs(value);
    if (a >= 1e6) return { div: 1e6, name: 'ms' };
    if (a >= 1e3) return { div: 1e3, name: 'µs' };
    return { div: 1, name: 'ns' };
  }
  if (kind === 'bytes') return { div: 1024, name: 'KiB' };
  if (kind === 'multiple') return { div: 1, name: '×' };
  return { div: 1, name: '' };
}

function fmtValue(kind, value) {
  const u = unitFor(kind, value);
  if (kind === 'count') return num(value, 0);
  if (kind === 'multiple') return '×' + num(value, 2);
  if (kind === 'ratio') return num(value, value === 0 ? 0 : 3);
  const v = value / u.div;
  return num(v) + (u.name ? ' ' + u.name : '');
}

/** "123 ns (118–131)": median and min–max of the runs, in the median's unit. */
function fmtCell(row, cell) {
  if (!cell) return '—';
  if (cell.na) return 'n/a';
  if (cell.error) return 'failed';
  if (row.kind === 'count') {
    return num(cell.count, 0) + (cell.capped ? ' (cap)' : '');
  }
  const u = unitFor(row.kind, cell.median);
  const main = fmtValue(row.kind, cell.median);
  if (cell.n <= 1 || row.kind === 'ratio') return main + (cell.n > 1 && row.kind === 'ratio' ? ` (${num(cell.min, 3)}–${num(cell.max, 3)})` : '');
  if (row.kind === 'multiple') return `${main} (${num(cell.min, 2)}–${num(cell.max, 2)})`;
  const lo = cell.min / u.div;
  const hi = cell.max / u.div;
  const digits = Math.abs(cell.median / u.div) >= 100 ? 0 : Math.abs(cell.median / u.div) >= 10 ? 1 : 2;
  return `${main} (${num(lo, digits)}–${num(hi, digits)})`;
}

function ratio(row, impl, anchor) {
  const a = row.cells[impl];
  const b = row.cells[anchor];
  if (!a || !b || a.median === undefined || b.median === undefined) return '—';
  if (row.kind === 'count' || row.kind === 'multiple') return '—';
  if (!(b.median > 0)) return '—';
  const r = a.median / b.median;
  return '×' + (r >= 100 ? num(r, 0) : r >= 10 ? num(r, 1) : num(r, 2));
}

/** The 1-minute load average when tendril's processes of a row started (min–max). */
function loadText(cell) {
  if (!cell || !cell.load1m) return '';
  const [lo, hi] = cell.load1m;
  return lo === hi ? lo.toFixed(1) : `${lo.toFixed(1)}–${hi.toFixed(1)}`;
}

function targetText(row) {
  if (!row.target) return '';
  const t = row.target;
  const status = t.met === undefined ? '' : t.met ? ' ✅ met' : ' ❌ missed';
  return t.text + (t.measured ? ` (${t.measured})` : '') + status;
}

function tableRows(results) {
  const impls = IMPL_ORDER.filter((id) => results.impls.some((i) => i.id === id));
  const labels = Object.fromEntries(results.impls.map((i) => [i.id, i.label]));
  const header = ['metric', ...impls.map((id) => labels[id])];
  const anchors = ANCHORS.filter((id) => impls.includes(id));
  const shorts = Object.fromEntries(results.impls.map((i) => [i.id, i.short || i.id]));
  for (const a of anchors) header.push('÷ ' + shorts[a]);
  header.push('target (issue 14)', 'load');
  const body = results.rows.map((row) => {
    const line = [row.label, ...impls.map((id) => fmtCell(row, row.cells[id]))];
    for (const a of anchors) line.push(ratio(row, 'tendril', a));
    line.push(targetText(row), loadText(row.cells.tendril));
    return line;
  });
  return { header, body };
}

function consoleTable(results) {
  const { header, body } = tableRows(results);
  return plainTable(header, body);
}

/** Columns padded to their widest cell. */
function plainTable(header, body) {
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((r) => [...String(r[c])].length)));
  const pad = (s, w) => s + ' '.repeat(Math.max(0, w - [...String(s)].length));
  const line = (r) => r.map((s, c) => pad(String(s), widths[c])).join(' │ ');
  const sep = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [line(header), sep, ...body.map(line)].join('\n');
}

function mdEscape(s) {
  return String(s).replace(/\|/g, '\\|');
}

function markdownTable(header, body) {
  return [
    '| ' + header.map(mdEscape).join(' | ') + ' |',
    '|' + header.map((_, i) => (i === 0 ? '---' : '---:')).join('|') + '|',
    ...body.map((r) => '| ' + r.map(mdEscape).join(' | ') + ' |'),
  ].join('\n');
}

function pingpongTable(results) {
  const header = ['Node', 'tendril ping-pong (per switch)', 'runs', 'load'];
  const body = (results.pingpongByNode || []).map((p) => [
    p.version || `Node ${p.major}`,
    p.cell && p.cell.median !== undefined ? fmtCell({ kind: 'time' }, p.cell) : p.cell && p.cell.error ? 'failed: ' + p.cell.error : 'not run',
    p.cell && p.cell.n ? String(p.cell.n) : '',
    loadText(p.cell),
  ]);
  return { header, body };
}

/** What debugging support costs: tendril with its monitor off, with the defaults, and
 *  while a CPU profiler records (bench/run.js, "debugging"). */
function debuggingTable(results) {
  const header = ['cost', 'monitor off', 'defaults', 'while profiling', 'defaults ÷ off', 'load'];
  const body = (results.debugging || []).map((row) => {
    const c = row.cells;
    const ratioText = c.off && c.on && c.off.median > 0 && c.on.median !== undefined ? '×' + num(c.on.median / c.off.median, 2) : '—';
    return [row.label, fmtCell(row, c.off), fmtCell(row, c.on), fmtCell(row, c.profiling), ratioText, loadText(c.on)];
  });
  return { header, body };
}

function markdown(results) {
  const m = results.machine;
  const out = [];
  out.push('# tendril benchmark results');
  out.push('');
  out.push(
    `Generated by \`npm run bench\` (bench/run.js) from bench/results.json on ${results.date}. ` +
      `Each figure is the median of ${results.settings.runs} runs (${results.settings.processes} fresh processes × ${results.settings.runsPerProcess} runs; ` +
      `${results.settings.footprintRuns} fresh processes for RSS/threads) with the min–max of the runs in parentheses. ` +
      'A *switch* is one transfer of control from one coroutine to another (a round trip is 2). ' +
      'Ratios are tendril ÷ anchor (×2 means tendril takes twice as long or twice the memory). ' +
      '*load* is the 1-minute load average when tendril\'s processes for the row started (in the CPUs-busy rows it ' +
      'includes the suite\'s own busy loops): this 2-vCPU machine is shared, and a tendril switch is a handoff ' +
      'between threads whose cost depends on where they run (bench/NOTES.md, section 9): ~0.5 µs while both threads ' +
      'run on separate CPUs, ~2 µs between two threads on one CPU, ~6 µs to wake a thread whose CPU is idle.',
  );
  out.push('');
  out.push(
    `Machine: ${m.cpuModel}, ${m.cpus} vCPU, ${m.memGiB} GiB, Linux ${m.kernel}; ` +
      `load average ${m.loadStart} at start, ${m.loadEnd} at end, CPU pressure (PSI some avg60) ${m.cpuPressureStart}% → ${m.cpuPressureEnd}% (the machine is shared: other ` +
      'work running at the same time shows up in thread-handoff figures). ' +
      `Limits: vm.max_map_count ${m.limits.maxMapCount}, kernel.pid_max ${m.limits.pidMax}, ` +
      `kernel.threads-max ${m.limits.threadsMax}, ulimit -u ${m.limits.ulimitU}.`,
  );
  out.push('');
  const r = results.runtimes;
  out.push(
    `Runtimes: tendril ${results.tendril.version} (${results.tendril.commit}${results.tendril.dirty ? ', uncommitted changes' : ''}) ` +
      `on Node ${r.node}; async/await and generators on Node ${r.node}; ` +
      (r.greenlet ? `python-greenlet ${r.greenlet} on Python ${r.python}; ` : 'python-greenlet not run; ') +
      (r.fibers ? `node-fibers ${r.fibers} on Node ${r.fibersNode}.` : 'node-fibers not run.'),
  );
  out.push('');
  const t = tableRows(results);
  out.push(markdownTable(t.header, t.body));
  out.push('');
  for (const [name, text] of LEGEND) out.push(`- **${name}**: ${text}`);
  out.push('');
  if (results.pingpongByNode && results.pingpongByNode.length) {
    out.push('## tendril ping-pong per Node major');
    out.push('');
    const p = pingpongTable(results);
    out.push(markdownTable(p.header, p.body));
    out.push('');
  }
  if (results.debugging && results.debugging.length) {
    out.push('## What debugging support costs');
    out.push('');
    const d = debuggingTable(results);
    out.push(markdownTable(d.header, d.body));
    out.push('');
  }
  if (results.maxConcurrency) {
    out.push('## Most concurrent greenlets (default limits)');
    out.push('');
    for (const [id, c] of Object.entries(results.maxConcurrency)) {
      const label = (results.impls.find((i) => i.id === id) || { label: id }).label;
      out.push(`- **${label}**: ${describeMax(c)}`);
    }
    out.push('');
  }
  if (results.notes && results.notes.length) {
    out.push('## Notes');
    out.push('');
    for (const n of results.notes) out.push('- ' + n);
    out.push('');
  }
  out.push(`Suite run time: ${num(results.durationSeconds, 0)} s. Analysis of where tendril's time goes: bench/NOTES.md.`);
  out.push('');
  return out.join('\n');
}

function describeMax(c) {
  if (!c) return 'not run';
  if (c.na) return 'n/a';
  if (c.count === undefined) return 'failed: ' + (c.crash || c.error);
  let s = `${num(c.count, 0)}`;
  if (c.capped) s += ' (the cap; not a limit)';
  else if (c.error) s += ` — stopped by ${c.error.name}: "${c.error.message}"`;
  else if (c.crash) s += ` or a few more (the last progress report) — the process died: ${c.crash}`;
  const l = c.limits || {};
  if (l.maps !== undefined && !c.capped) {
    s += `; at that point: ${num(l.maps, 0)}/${num(l.maxMapCount, 0)} memory maps in the process, ` +
      `${num(l.systemThreads, 0)}/${num(l.pidMax, 0)} threads on the machine (pid_max), ` +
      `${num(l.processThreads, 0)} threads in the process, RSS ${num(l.rss / 1048576, 0)} MiB`;
  }
  if (c.stoppedBy) s += `. What stops it: ${c.stoppedBy}`;
  if (c.seconds) s += ` (${num(c.seconds, 1)} s to start them)`;
  return s;
}

module.exports = { LEGEND, consoleTable, plainTable, markdown, pingpongTable, debuggingTable, markdownTable, fmtCell, fmtValue, describeMax, num };
