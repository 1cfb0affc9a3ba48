// Test (and, with --bench, benchmark): the in-browser seed sweep (issue 13), in headless
// Chromium against the release build.
//
//   make sweep-test                                   (after make bundle)
//   node scripts/check-sweep.js URL [--bench] [--bug ZOOKEEPER-4646] [--seeds N]
//
// Checks, at 1280×800:
//   refuses    a seed count of 0 is refused with a message naming "Seeds", and no worker starts.
//   finds      a sweep of a real bug's targeted runs finds a seed: the status says which seed
//              broke which check at which event, the app opens that seed standing at the event
//              (the broken check above the drawing, its event in the checks panel), the page's
//              URL carries that seed and pos, and the worker is gone (an idle page runs nothing).
//   shares     that URL, opened in a new page, shows the same violation at the same event.
//   cancels    a long sweep of random faults shows progress (a <progress> bar, seeds/s), and
//              Cancel stops it: the status says so and the worker is gone.
//   no errors  no console error and no uncaught exception on the page or in the worker.
// While the finding sweep runs, it counts the main thread's animation frames and prints
// frames/s and the longest gap between two frames; --bench also measures the run playing
// without a sweep and then with one (numbers for BENCHMARKS.md, not a pass/fail).
//
// Exit 1 when any check fails. Playwright: playwright-core from NODE_PATH (the Makefile points
// it at .tools/node_modules), else /tmp/pw. Chromium: /usr/bin/chromium.
'use strict';
let playwright;
try { playwright = require('playwright-core'); } catch { playwright = require('/tmp/pw/node_modules/playwright-core'); }

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function parseArgs(argv) {
  const a = { url: null, bench: false, bug: 'ZOOKEEPER-4646', seeds: 100 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    if (k === '--bench') a.bench = true;
    else if (k === '--bug') a.bug = v();
    else if (k === '--seeds') a.seeds = Number(v());
    else if (k.startsWith('--')) throw new Error(`unknown argument ${k}`);
    else a.url = k;
  }
  if (!a.url) throw new Error('usage: check-sweep.js URL [--bench] [--bug ID] [--seeds N]');
  if (!Number.isInteger(a.seeds) || a.seeds < 1) throw new Error('--seeds must be a whole number ≥ 1');
  return a;
}

/// The bench's sweep: long enough (several seconds) that the frame count means something.
const BENCH_SEEDS = 600;

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

async function open(browser, url, errors) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(`worker: ${m.text()}`); }));
  await page.goto(url);
  await page.waitForSelector('.sweep__summary');
  return page;
}

/// Count animation frames until stopped: [frames/s, longest gap ms].
async function startFrames(page) {
  await page.evaluate(() => {
    const t = [];
    window.__sweepFrames = t;
    const loop = (ts) => { t.push(ts); if (window.__sweepFrames === t) requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  });
}
async function stopFrames(page) {
  return page.evaluate(() => {
    const t = window.__sweepFrames;
    window.__sweepFrames = null;
    if (!t || t.length < 2) return [0, Infinity];
    let gap = 0;
    for (let i = 1; i < t.length; i++) gap = Math.max(gap, t[i] - t[i - 1]);
    return [(t.length - 1) * 1000 / (t[t.length - 1] - t[0]), gap];
  });
}

/// Wait for the page's workers to close (each one's close event; at most 5 s), then count them.
async function waitWorkersGone(page) {
  const closed = Promise.all(page.workers().map((w) => new Promise((r) => w.once('close', r))));
  await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
  return page.workers().length;
}

/// Run a finding sweep; returns { seed, step, fps, gap, secs, text }.
async function sweepToFind(page, bug, seeds, playing) {
  if (playing) await page.click('.control-bar__play');
  if (!(await page.$eval('.sweep', (d) => d.open))) await page.click('.sweep__summary');
  await page.selectOption('.sweep__target', bug);
  await page.fill('.sweep__count', String(seeds));
  await page.fill('.sweep__from', '0');
  await startFrames(page);
  const t0 = Date.now();
  await page.click('.sweep__start');
  await page.waitForFunction(() => {
    const s = document.querySelector('.sweep__status');
    return s && (s.classList.contains('sweep__status--found') || /No seed|could not run/.test(s.textContent));
  }, null, { timeout: 300000 });
  const secs = (Date.now() - t0) / 1000;
  const [fps, gap] = await stopFrames(page);
  const text = await page.textContent('.sweep__status');
  const m = /Seed (\d+)(?: \(a run with seed (\d+)\))? breaks (\S+) at event (\d+)/.exec(text);
  return { seed: m && Number(m[2] || m[1]), check: m && m[3], step: m && Number(m[4]), fps, gap, secs, text };
}

(async () => {
  const args = parseArgs(process.argv.slice(2));
  const base = args.url.replace(/\/?$/, '/');
  const browser = await playwright.chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const errors = [];
  try {
    const page = await open(browser, `${base}?seed=1&voters=3`, errors);

    // refuses
    await page.click('.sweep__summary');
    await page.fill('.sweep__count', '0');
    await page.click('.sweep__start');
    const problem = await page.textContent('.sweep__problem').catch(() => '');
    check(/Seeds must be/.test(problem), `refuses: a count of 0 says "${problem.trim()}"`);
    check(page.workers().length === 0, 'refuses: no worker started');

    // finds
    const r = await sweepToFind(page, args.bug, args.seeds, false);
    check(r.seed !== null, `finds: ${r.text.trim()}`);
    console.log(`     sweep of ${args.bug}: ${r.secs.toFixed(1)} s; main thread ${r.fps.toFixed(1)} frames/s, longest frame gap ${r.gap.toFixed(0)} ms`);
    if (r.seed !== null) {
      const url = new URL(page.url());
      check(url.searchParams.get('seed') === String(r.seed) && url.searchParams.get('pos') === String(r.step),
        `finds: the URL is the seed's link at its event (${url.search})`);
      const above = await page.textContent('.app__violation').catch(() => '');
      check(above.includes(`event ${r.step}`), `finds: the broken check is named above the drawing ("${above.trim()}")`);
      check((await waitWorkersGone(page)) === 0, 'finds: the worker is gone once it found');

      // shares
      const shared = await open(browser, url.toString(), errors);
      const what = await shared.textContent('.checks__what').catch(() => '');
      check(what.includes(`event ${r.step}`), `shares: the link opens at the same violation ("${what.trim().slice(0, 80)}…")`);
      await shared.close();
    }

    // cancels
    await page.selectOption('.sweep__target', '3.9.4:3');
    await page.fill('.sweep__count', '100000');
    await page.click('.sweep__start');
    await page.waitForFunction(() => {
      const p = document.querySelector('.sweep__progress');
      return p && Number(p.value) > 0 && /seeds\/s/.test(document.querySelector('.sweep__status').textContent);
    }, null, { timeout: 60000 });
    const progress = await page.textContent('.sweep__status');
    check(/of 100000 done, [\d.]+ seeds\/s/.test(progress), `cancels: progress shows "${progress.trim()}"`);
    await page.click('.sweep__cancel');
    const cancelled = await page.textContent('.sweep__status');
    check(/^Cancelled after \d+ of 100000 seeds/.test(cancelled.trim()), `cancels: "${cancelled.trim()}"`);
    check((await waitWorkersGone(page)) === 0, 'cancels: the worker is gone');
    check((await page.$('.sweep__progress')) === null, 'cancels: the progress bar is gone');

    if (args.bench) {
      // The same page without a sweep, paused and playing, for comparison (4 s of frames each):
      // headless Chromium's own frame rate is the ceiling the sweep is measured against.
      for (const playing of [false, true]) {
        const p0 = await open(browser, `${base}?seed=1&voters=3`, errors);
        if (playing) await p0.click('.control-bar__play');
        await startFrames(p0);
        await new Promise((r) => setTimeout(r, 4000));
        const [fps0, gap0] = await stopFrames(p0);
        console.log(`bench: no sweep, run ${playing ? 'playing' : 'paused'}: main thread ${fps0.toFixed(1)} frames/s, longest frame gap ${gap0.toFixed(0)} ms`);
        await p0.close();
      }
      const p2 = await open(browser, `${base}?seed=1&voters=3`, errors);
      // A sweep that finds nothing runs its whole range: long enough to count frames.
      for (const playing of [false, true]) {
        const b = await sweepToFind(p2, `${args.bug}:fixed`, BENCH_SEEDS, playing);
        console.log(`bench: ${BENCH_SEEDS} seeds of ${args.bug}:fixed, run ${playing ? 'playing' : 'paused'}: ${b.secs.toFixed(1)} s; main thread ${b.fps.toFixed(1)} frames/s, longest frame gap ${b.gap.toFixed(0)} ms`);
      }
      await p2.close();
    }
    check(errors.length === 0, `no errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
  } finally {
    await browser.close();
  }
  console.log(failures ? `check-sweep: ${failures} check(s) failed` : 'check-sweep: all checks passed');
  process.exit(failures ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
