// Benchmark (not a test): what ZabScope costs the browser, next to RaftScope, in one session.
//
//   make bundle && make bench-cost RAFTSCOPE=/tmp/raftscope        (serves both, runs this)
//   node scripts/bench-cost.js [--markdown] [--seconds N] ZABSCOPE_URL RAFTSCOPE_URL
//
// RaftScope (github.com/ongardie/raftscope, plain HTML/JS, not in this repo) must be served
// from its own directory, e.g. `scripts/serve-dir.sh /tmp/raftscope 8195`, with its two git
// submodules (bootstrap-slider, bootstrap-contextmenu) checked out: without them its sliders
// throw and it never plays.
//
// One headless Chromium (--disable-gpu), 1280×800, one tab at a time. Each measurement warms
// up for 2 s, then samples for --seconds (10 by default) of wall time:
//   * Performance.getMetrics deltas (CDP): TaskDuration, ScriptDuration, LayoutDuration,
//     RecalcStyleDuration, as ms of main-thread time per second of wall time;
//   * a Tracing capture (devtools.timeline) of the tab's renderer process: Paint, PaintImage,
//     PrePaint (was UpdateLayerTree), Layerize, UpdateLayer, CompositeLayers, Commit in ms/s,
//     "paint" = the union of their intervals on each thread (nested events counted once; also
//     given without Commit, the main thread waiting on the compositor, which swings with load),
//     "raster" = RasterTask on its worker threads (software raster: --disable-gpu);
//   * frame rate from requestAnimationFrame intervals (fps = 1000 / interval);
//   * DOM elements at the end.
// Scenarios:
//   (a) ZabScope 5 voters playing at the default speed (0.25×, Play clicked) vs RaftScope
//       (5 servers, it plays on load at its default speed); ratios ZabScope / RaftScope.
//   (b) ZabScope 9 voters + 4 observers playing at the top speed (10×, `speed=10`): fps median
//       and p5 (the 95th-percentile frame interval as a rate).
//   (c) the timeline scrubber dragged across a 270 000-event 5-voter run (`pos=270000`): one
//       input event per animation frame; the work per frame = dispatch → reducer → Yew's render
//       → forced style + layout. Yew 0.23 renders in a microtask after the event (not inside
//       dispatchEvent), so the clock stops when a MutationObserver sees the new position, then
//       forces layout; no frame runs in between (counted). Median, p95, and frame intervals.
//   (d) idle: ZabScope paused (5 voters at pos 2000) and RaftScope paused; hidden: each playing
//       in a tab that is then hidden — another tab brought to the front (headless Chromium
//       throttles its frames but never sets document.hidden, so that is emulated too: see
//       hide()): task ms/s.
// Prints a table; with --markdown also the rows for BENCHMARKS.md.
//
// Playwright: playwright-core from NODE_PATH (the Makefile points it at .tools/node_modules),
// else /tmp/pw. Chromium: /usr/bin/chromium.
'use strict';
let playwright;
try { playwright = require('playwright-core'); } catch { playwright = require('/tmp/pw/node_modules/playwright-core'); }

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1280, height: 800 };
const WARMUP_MS = 2000;
// The renderer main thread's paint pipeline. Chromium 156 names pre-paint `PrePaint` (older
// builds: `UpdateLayerTree`) and has no `CompositeLayers`; absent names sum to 0.
const PAINT_EVENTS = ['Paint', 'PaintImage', 'PrePaint', 'UpdateLayerTree', 'Layerize', 'UpdateLayer', 'CompositeLayers', 'Commit'];
// Software raster (--disable-gpu) runs on the renderer's worker threads: reported apart.
const RASTER_EVENTS = ['RasterTask'];

const args = process.argv.slice(2);
const markdown = args.includes('--markdown');
const secIdx = args.indexOf('--seconds');
const SECONDS = secIdx >= 0 ? +args[secIdx + 1] : 10;
const urls = args.filter((a, i) => !a.startsWith('--') && !(secIdx >= 0 && i === secIdx + 1));
if (urls.length !== 2) {
  console.error('usage: node scripts/bench-cost.js [--markdown] [--seconds N] ZABSCOPE_URL RAFTSCOPE_URL');
  process.exit(2);
}
const withSlash = u => (u.endsWith('/') || u.includes('?') ? u : u + '/');
const [ZAB, RAFT] = urls.map(withSlash);

const sleep = ms => new Promise(r => setTimeout(r, ms));
const stats = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const at = p => (s.length ? s[Math.min(s.length - 1, Math.round((s.length - 1) * p))] : NaN);
  return { n: s.length, median: at(0.5), p95: at(0.95), p5: at(0.05), max: at(1), mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
};

async function metrics(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map(m => [m.name, m.value]));
}

// Tracing: start now, stop with `stop()` → the renderer's paint-pipeline events.
async function startTrace(cdp) {
  const events = [];
  cdp.on('Tracing.dataCollected', e => events.push(...e.value));
  const done = new Promise(r => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'], recordMode: 'recordAsMuchAsPossible' },
    transferMode: 'ReportEvents',
  });
  return async url => {
    await cdp.send('Tracing.end');
    await done;
    // The tab's renderer: the process whose frame is our page (TracingStartedInBrowser).
    let pids = null;
    for (const e of events) {
      if (e.name === 'TracingStartedInBrowser' && e.args && e.args.data && e.args.data.frames) {
        const mine = e.args.data.frames.filter(f => f.url && url && f.url.split('?')[0] === url.split('?')[0]).map(f => f.processId);
        if (mine.length) pids = new Set(mine);
      }
    }
    return events.filter(e => (PAINT_EVENTS.includes(e.name) || RASTER_EVENTS.includes(e.name)) && e.ph === 'X' && (!pids || pids.has(e.pid)));
  };
}

function paintCost(events, ms) {
  const per = {};
  for (const n of [...PAINT_EVENTS, ...RASTER_EVENTS]) per[n] = 0;
  for (const e of events) per[e.name] += (e.dur || 0) / 1000;
  // Busy time of `names` on each thread, nested and overlapping events counted once (µs).
  const union = names => {
    const byThread = new Map();
    for (const e of events) {
      if (!names.includes(e.name)) continue;
      const k = `${e.pid}:${e.tid}`;
      if (!byThread.has(k)) byThread.set(k, []);
      byThread.get(k).push([e.ts, e.ts + (e.dur || 0)]);
    }
    let total = 0;
    for (const iv of byThread.values()) {
      iv.sort((a, b) => a[0] - b[0]);
      let [s, t] = iv[0];
      for (const [a, b] of iv.slice(1)) {
        if (a > t) { total += t - s; s = a; t = b; } else t = Math.max(t, b);
      }
      total += t - s;
    }
    return total;
  };
  const perS = v => v / (ms / 1000);
  return {
    paint: perS(union(PAINT_EVENTS) / 1000),
    // Commit is the main thread waiting for the compositor thread to take the frame: on a
    // loaded machine it swings with the load, so the paint work proper is also given without it.
    paintNoCommit: perS(union(PAINT_EVENTS.filter(n => n !== 'Commit')) / 1000),
    raster: perS(per.RasterTask), ...Object.fromEntries(Object.entries(per).map(([k, v]) => [k, perS(v)])) };
}

// Samples `page` for SECONDS: metrics deltas, trace, rAF intervals (unless `raf` is false: an
// idle page must not be kept drawing by the probe itself), DOM size.
async function sample(page, cdp, url, { raf = true, seconds = SECONDS } = {}) {
  await page.evaluate(raf => {
    window.__gaps = [];
    if (!raf) return;
    let last = null;
    const tick = ts => { if (last !== null) window.__gaps.push(ts - last); last = ts; window.__raf = requestAnimationFrame(tick); };
    window.__raf = requestAnimationFrame(tick);
  }, raf);
  const stop = await startTrace(cdp);
  const m0 = await metrics(cdp);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const m1 = await metrics(cdp);
  const ms = Date.now() - t0;
  const events = await stop(url);
  const { gaps, dom, hidden } = await page.evaluate(() => {
    if (window.__raf) cancelAnimationFrame(window.__raf);
    return { gaps: window.__gaps, dom: document.getElementsByTagName('*').length, hidden: document.hidden };
  });
  const d = k => ((m1[k] || 0) - (m0[k] || 0)) * 1000 / (ms / 1000); // seconds → ms per s
  const g = stats(gaps);
  return {
    ms,
    task: d('TaskDuration'), script: d('ScriptDuration'), layout: d('LayoutDuration'), style: d('RecalcStyleDuration'),
    ...paintCost(events, ms),
    frames: gaps.length, fpsMedian: 1000 / g.median, fpsP5: 1000 / g.p95, gapMax: g.max,
    dom, hidden,
  };
}

async function open(browser, url) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', e => console.log(`pageerror (${url}): ${e.message}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, cdp };
}

async function zabReady(page) {
  await page.waitForFunction(() => document.querySelector('.app__drawing svg.cluster') && !document.querySelector('.build-progress'),
    null, { timeout: 600000, polling: 200 });
}
async function zabPlay(page) {
  await page.click('.control-bar__play');
  await page.waitForSelector('.control-bar__play[aria-pressed=true]');
}
async function raftReady(page) {
  await page.waitForFunction(() => window.playback && window.state && document.querySelector('#servers circle'), null, { timeout: 60000 });
  // Playing: its model clock moves (it does not when its submodules are missing).
  const t0 = await page.evaluate(() => window.state.current.time);
  await page.waitForFunction(t0 => window.state.current.time > t0, t0, { timeout: 10000 }).catch(() => {
    throw new Error('RaftScope does not play: are its submodules (bootstrap-slider, bootstrap-contextmenu) checked out?');
  });
}

// Hide `page`: bring another tab to the front. Headless Chromium then slows the tab's frames
// (rAF ~17/s instead of 60, measured) but keeps document.hidden false (a minimised window
// too), so visibility is emulated on top: document.hidden / visibilityState read "hidden"
// and visibilitychange fires, as in a real background tab. What is left is the app's own
// work while hidden plus whatever the throttled frames cost.
async function hide(context, page) {
  const other = await context.newPage();
  await other.goto('about:blank');
  await other.bringToFront();
  if (await page.evaluate(() => document.hidden)) return 'background tab';
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  return 'background tab, hidden emulated';
}

const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const rows = [];
const row = (scenario, app, r, note = '') => {
  rows.push({ scenario, app, ...r, note });
  console.log(`${scenario.padEnd(24)} ${app.padEnd(34)} task ${fmt(r.task).padStart(6)}  script ${fmt(r.script).padStart(6)}  ` +
    `style ${fmt(r.style).padStart(5)}  layout ${fmt(r.layout).padStart(5)}  paint ${fmt(r.paint).padStart(5)} [w/o Commit ${fmt(r.paintNoCommit)}] ` +
    `(Paint ${fmt(r.Paint)}, PrePaint ${fmt(r.PrePaint + r.UpdateLayerTree)}, Layerize ${fmt(r.Layerize)}, Commit ${fmt(r.Commit)})  raster ${fmt(r.raster)} ms/s  ` +
    `fps ${fmt(r.fpsMedian, 0)} (p5 ${fmt(r.fpsP5, 0)})  DOM ${r.dom}${note ? '  ' + note : ''}`);
};

(async () => {
  const browser = await playwright.chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const version = browser.version();
  console.log(`Chromium ${version}, headless, --disable-gpu, ${VIEWPORT.width}×${VIEWPORT.height}; ${SECONDS} s windows after ${WARMUP_MS / 1000} s warm-up`);
  const out = {};

  // (a) playing: ZabScope 5 voters at the default speed, RaftScope as it loads.
  {
    const url = `${ZAB}?seed=1&voters=5&observers=0`;
    const { context, page, cdp } = await open(browser, url);
    await zabReady(page);
    await zabPlay(page);
    await sleep(WARMUP_MS);
    out.zabA = await sample(page, cdp, url);
    const playing = await page.getAttribute('.control-bar__play', 'aria-pressed');
    row('(a) playing', 'ZabScope 5 voters, 0.25×', out.zabA, playing === 'true' ? '' : '(stopped playing!)');
    await context.close();
  }
  {
    const { context, page, cdp } = await open(browser, RAFT);
    await raftReady(page);
    await sleep(WARMUP_MS);
    out.raftA = await sample(page, cdp, RAFT);
    const paused = await page.evaluate(() => window.playback.isPaused());
    row('(a) playing', 'RaftScope 5 servers (default speed)', out.raftA, paused ? '(paused!)' : '');
    await context.close();
  }
  out.ratioTask = out.zabA.task / out.raftA.task;
  out.ratioPaint = out.zabA.paint / out.raftA.paint;
  out.ratioPaintNoCommit = out.zabA.paintNoCommit / out.raftA.paintNoCommit;
  console.log(`(a) ZabScope / RaftScope: task ${fmt(out.ratioTask, 2)}×, paint ${fmt(out.ratioPaint, 2)}× ` +
    `(without Commit ${fmt(out.ratioPaintNoCommit, 2)}×), ` +
    `script ${fmt(out.zabA.script / out.raftA.script, 2)}×, DOM ${fmt(out.zabA.dom / out.raftA.dom, 2)}×`);

  // (b) the largest ensemble at the top speed.
  {
    const url = `${ZAB}?seed=1&voters=9&observers=4&speed=10`;
    const { context, page, cdp } = await open(browser, url);
    await zabReady(page);
    await zabPlay(page);
    await sleep(WARMUP_MS);
    out.zabB = await sample(page, cdp, url);
    row('(b) 9v+4o at 10×', 'ZabScope 9 voters + 4 observers, 10×', out.zabB);
    await context.close();
  }

  // (c) scrubbing a 270 000-event run.
  {
    const url = `${ZAB}?seed=1&voters=5&pos=270000`;
    const t0 = Date.now();
    const { context, page } = await open(browser, url);
    await zabReady(page);
    await page.waitForSelector('.timeline__range');
    const built = (Date.now() - t0) / 1000;
    const drag = await page.evaluate(async frames => {
      const range = document.querySelector('.timeline__range');
      const app = document.querySelector('.app');
      const position = () => document.querySelector('.timeline__position').textContent.trim();
      const max = +range.max;
      let ticks = 0;
      // Resolves once the app shows position `want`: Yew renders in a microtask after the event,
      // so the time to here is the event, the reducer and the render, nothing else.
      const shown = want => new Promise(resolve => {
        if (position() === want) return resolve();
        const mo = new MutationObserver(() => { if (position() === want) { mo.disconnect(); resolve(); } });
        mo.observe(app, { subtree: true, childList: true, characterData: true });
      });
      const work = [], sync = [], gaps = [];
      let last = null, framesBetween = 0;
      // A drag as a person makes it: the pointer goes down on the scrubber, inputs follow,
      // then it is let go (the app's log catches up on release; not timed here).
      range.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      for (let i = 0; i < frames; i++) {
        const ts = await new Promise(r => requestAnimationFrame(r));
        if (last !== null) gaps.push(ts - last);
        last = ts;
        const phase = (i % 60) / 60, back = Math.floor(i / 60) % 2 === 1;
        const want = String(Math.floor(max * (back ? 0.6 - 0.2 * phase : 0.4 + 0.2 * phase)));
        let raf = true;
        requestAnimationFrame(() => { if (raf) framesBetween++; });
        const a = performance.now();
        range.value = want;
        range.dispatchEvent(new Event('input', { bubbles: true }));
        sync.push(performance.now() - a);
        await shown(want);
        void document.documentElement.offsetHeight; // forced style + layout
        work.push(performance.now() - a);
        raf = false;
      }
      range.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
      const r0 = performance.now();
      range.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise(r => setTimeout(r, 0));
      void document.documentElement.offsetHeight;
      const release = performance.now() - r0;
      return { work, sync, gaps, max, framesBetween, release };
    }, 300);
    const w = stats(drag.work), y = stats(drag.sync), g = stats(drag.gaps);
    out.zabC = { built, work: w, sync: y, gaps: g, framesBetween: drag.framesBetween, release: drag.release };
    console.log(`(c) scrubber drag         ZabScope 5 voters at pos 270000 (built in ${built.toFixed(1)} s, range max ${drag.max}): ` +
      `work/frame (input → render → layout) median ${fmt(w.median, 2)} ms, p95 ${fmt(w.p95, 2)}, max ${fmt(w.max, 2)} ` +
      `[the event handler alone: median ${fmt(y.median, 2)} ms]; frame interval median ${fmt(g.median)} ms, p95 ${fmt(g.p95)} ` +
      `(${w.n} frames; a frame ran between input and render ${drag.framesBetween} times); on release the log caught up in ${fmt(drag.release, 1)} ms`);
    await context.close();
  }

  // (d) idle and hidden.
  {
    const url = `${ZAB}?seed=1&voters=5&observers=0&pos=2000`;
    const { context, page, cdp } = await open(browser, url);
    await zabReady(page);
    await sleep(WARMUP_MS);
    out.zabIdle = await sample(page, cdp, url, { raf: false });
    row('(d) idle (paused)', 'ZabScope 5 voters at pos 2000', out.zabIdle);
    // Hidden while playing: a second tab in front.
    await zabPlay(page);
    const how = await hide(context, page);
    await sleep(WARMUP_MS);
    out.zabHidden = await sample(page, cdp, url, { raf: false });
    row('(d) hidden (playing)', `ZabScope 5 voters, ${how}`, out.zabHidden, out.zabHidden.hidden ? '' : '(document.hidden is false!)');
    await context.close();
  }
  {
    const { context, page, cdp } = await open(browser, RAFT);
    await raftReady(page);
    await page.evaluate(() => window.playback.pause());
    await sleep(WARMUP_MS);
    out.raftIdle = await sample(page, cdp, RAFT, { raf: false });
    row('(d) idle (paused)', 'RaftScope 5 servers, paused', out.raftIdle);
    await page.evaluate(() => window.playback.resume());
    const how = await hide(context, page);
    await sleep(WARMUP_MS);
    out.raftHidden = await sample(page, cdp, RAFT, { raf: false });
    row('(d) hidden (playing)', `RaftScope 5 servers, ${how}`, out.raftHidden, out.raftHidden.hidden ? '' : '(document.hidden is false!)');
    await context.close();
  }
  await browser.close();

  if (markdown) {
    const r = x => fmt(x);
    console.log('\n| scenario | app | task ms/s | script | style | layout | paint ms/s | raster ms/s | fps median (p5) | DOM elements |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const x of rows) {
      console.log(`| ${x.scenario} | ${x.app} | ${r(x.task)} | ${r(x.script)} | ${r(x.style)} | ${r(x.layout)} | ${r(x.paint)} | ${r(x.raster)} | ${fmt(x.fpsMedian, 0)} (${fmt(x.fpsP5, 0)}) | ${x.dom} |`);
    }
    console.log(`\n(a) ZabScope / RaftScope: task ${fmt(out.ratioTask, 2)}×, paint ${fmt(out.ratioPaint, 2)}× (without Commit ${fmt(out.ratioPaintNoCommit, 2)}×).`);
    console.log(`(c) scrubber drag on 270 000 events: work per frame (input → render → layout) median ${fmt(out.zabC.work.median, 2)} ms, p95 ${fmt(out.zabC.work.p95, 2)} ms; ` +
      `frame interval median ${fmt(out.zabC.gaps.median)} ms, p95 ${fmt(out.zabC.gaps.p95)} ms.`);
  }
})().catch(e => { console.error(e); process.exit(1); });
