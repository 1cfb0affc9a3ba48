// Test: axe-core finds no WCAG 2 A/AA violation in the app, in the states people see.
//
//   make a11y-test                         (serves dist/ on 127.0.0.1:8096, self-test, then this)
//   node scripts/check-a11y.js [--self-test] [--json FILE] [--only TOKEN,…] [--verbose] BASE_URL
//
//   e.g. node scripts/check-a11y.js --only 390x844,inspector http://127.0.0.1:8096/
//
// Opens the release build (headless Chromium through playwright-core, one page per viewport)
// at fixed runs and positions, waits until the app stands there (the same conditions as
// scripts/check-layout.js: the drawing laid out in its box, paused at the position, the DOM
// quiet for two frames, fonts loaded, CSS animations jumped to their end), injects axe-core and
// runs it over the whole document with the rule tags wcag2a, wcag2aa, wcag21a and wcag21aa.
// No rule is switched off. The states (seed 1, 5 voters unless noted):
//
//   t0         the run before its first event (every server NOT STARTED / just started)
//   election   the election's busiest moment: 19 notifications in flight, 5 LOOKING
//   epoch      Leader.lead() blocked in waitForEpochAck (the gauge panel open, ACKEPOCHs in flight)
//   synced     BROADCAST: a quorum synced, the leader pinging its followers
//   inspector  `synced` with server 2's panel open (a click on its card)
//   help       `election` with the keyboard help dialog open (a click on "? Keys")
//   message    `election` with a message's panel open (a click on a labelled pill in flight)
//   why        event 246, the narration's "Why?" open (the sync mode chosen for server 1)
//   stats      `synced` with the statistics panel open
//   tour       `?tour=7`: the tour at chapter 7, its pseudo-code beside the epoch wait
//   embed      the compact frame (`?embed=1`) at 800×440, at `epoch`
//
// each at 1280×800 and 390×844 (the embed frame at its own size). Prints, per state, the
// number of rules that passed and every violation with its impact and nodes (selector and
// axe's summary). Exit 1 on any violation, on a page error or when a state is never reached.
//
// --self-test first loads a synthetic page (page.setContent) with one planted fault for each of
// several rules (low-contrast 12 px text, an unlabeled icon button, a role=img drawing holding
// focusable cards, an unfocusable scrolling box, aria-pressed on a link, aria-label on a box
// without a role, an image without alt) and a clean twin of each, and exits 1 unless axe reports exactly the
// planted rules, each on its planted node and nothing on the clean ones.
//
// axe-core and playwright-core come from NODE_PATH (the Makefile points it at .tools/node_modules;
// scripts/install-tools.sh playwright installs both, pinned), else /tmp/pw. Chromium: /usr/bin/chromium.
'use strict';
const fs = require('fs');
const path = require('path');
const { waitForPosition } = require('./lib/app-ready');

function need(name) {
  try { return require.resolve(name); } catch { return require.resolve(`/tmp/pw/node_modules/${name}`); }
}
const playwright = require(need('playwright-core'));
const AXE_PATH = need('axe-core/axe.min.js');
const AXE_SOURCE = fs.readFileSync(AXE_PATH, 'utf8');
const AXE_VERSION = require(path.join(path.dirname(AXE_PATH), 'package.json')).version;

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const VIEWPORTS = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '390x844', width: 390, height: 844 },
];
const EMBED_VIEWPORT = { name: 'embed-800x440', width: 800, height: 440, embed: true };

// Positions of seed 1 with 5 voters (the runs are deterministic; see check-layout.js for how
// they were found): event 90 is the election burst, 239 waitForEpochAck, 290 BROADCAST.
const BASE_QUERY = 'seed=1&voters=5&observers=0';
const STATES = [
  { name: 't0', pos: 0 },
  { name: 'election', pos: 90 },
  { name: 'epoch', pos: 239, expect: '.gauge--running' },
  { name: 'synced', pos: 290, expect: '.peer-card[data-state="LEADING"]' },
  { name: 'inspector', pos: 290, open: { click: '.peer-card[data-sid="2"]', until: '.inspector:not(.inspector--empty)' } },
  { name: 'help', pos: 90, open: { click: '.control-bar__help', until: '.help-overlay [role=dialog]' } },
  { name: 'message', pos: 90, open: { click: '.message-pill[data-msg]:not(.message-pill--dot)', until: '.message-panel' } },
  { name: 'why', pos: 246, open: { click: '.btn--why:not(.btn--why-none)', until: '.narration > .why' } },
  { name: 'stats', pos: 290, open: { click: '.stats__summary', until: '.stats[open] .stats__section' } },
  // The tour at chapter 7 (its pseudo-code beside the epoch wait); it stands where the chapter puts it.
  { name: 'tour', query: 'tour=7', ready: '.tour .tour__line' },
  // A broken safety check (3.8's ZOOKEEPER-4646 window, docs/protocol.md §12): the alert above
  // the drawing, the checks panel open, the servers outlined.
  { name: 'violation', query: 'seed=641&voters=3&zk=3.8&f=21:c1,24:w3,92:r1,179:w1,273:c2,291:w1,327:w2,387:w3,539:w1,540:c1,579:r2&pos=615', ready: '.checks--broken .checks__what' },
  // A paused leader (the leader-paused scenario, 7 s into its pause).
  { name: 'paused', query: 'scenario=leader-paused&seed=1&t=9000', ready: '.peer-card--paused' },
  // Session clients: one reconnected after its leader crashed, one that never comes back.
  // A real bug's replay, picked in the run bar (its caption, the switch to the fixed release).
  { name: 'bug', query: 'seed=1&voters=5&zk=3.9.3&f=265:w5,285:c1,305:w5,325:c4,345:w5,365:r4,411:c5,494:r1,594:w4&pos=608', ready: '.run-bar__bug-caption' },
  { name: 'clients', query: 'scenario=client-failover&seed=1&t=4500', ready: '.clients__row' },
  { name: 'embed', pos: 239, embed: true },
];

function stateUrl(base, s) {
  if (s.query) return `${base}?${s.query}`;
  return `${base}?${BASE_QUERY}&pos=${s.pos}${s.embed ? '&embed=1' : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Waiting until the app stands still (as in check-layout.js).

async function waitReady(page, { embed, pos }) {
  await waitForPosition(page, { embed, pos });
  await settle(page);
}

// No DOM mutation for two consecutive frames, fonts loaded, animations at their end.
async function settle(page) {
  const quiet = await page.evaluate(() => new Promise(resolve => {
    let dirty = false, calm = 0, frames = 0;
    const mo = new MutationObserver(() => { dirty = true; });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    const tick = () => {
      frames++;
      calm = dirty ? 0 : calm + 1;
      dirty = false;
      if (calm >= 2 || frames > 300) { mo.disconnect(); resolve(calm >= 2); } else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }));
  if (!quiet) throw new Error('the page never stopped changing (300 frames)');
  await page.evaluate(async () => {
    await document.fonts.ready;
    for (const a of document.getAnimations()) {
      try {
        if (a.effect && a.effect.getComputedTiming().endTime === Infinity) { a.pause(); a.currentTime = 0; } else a.finish();
      } catch { /* a detached effect */ }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// axe, inside the page.

async function runAxe(page, context) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async ({ context, tags }) => {
    const r = await window.axe.run(context || document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return {
      passes: r.passes.length,
      incomplete: r.incomplete.length,
      violations: r.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(n => ({
          target: n.target.join(' '),
          html: n.html.length > 160 ? n.html.slice(0, 159) + '⋯' : n.html,
          summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
          case: (() => {
            try {
              const el = document.querySelector(n.target[n.target.length - 1]);
              const c = el && el.closest('[data-case]');
              return c ? c.getAttribute('data-case') : null;
            } catch { return null; }
          })(),
        })),
      })),
    };
  }, { context, tags: TAGS });
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const a = { selfTest: false, json: null, only: [], verbose: false, base: null };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--self-test') a.selfTest = true;
    else if (x === '--json') a.json = argv[++i];
    else if (x === '--only') a.only.push(...argv[++i].split(',').filter(Boolean));
    else if (x === '--verbose' || x === '-v') a.verbose = true;
    else if (x === '-h' || x === '--help') a.help = true;
    else if (x.startsWith('-')) throw new Error(`unknown option ${x}`);
    else a.base = x;
  }
  return a;
}

function selected(only, vp, s) {
  if (!only.length) return true;
  const vps = only.filter(t => /x\d+$|^embed$/.test(t));
  const states = only.filter(t => STATES.some(x => x.name === t));
  if (vps.length && !vps.some(t => vp.name === t || vp.name === `embed-${t}` || (t === 'embed' && vp.embed))) return false;
  if (states.length && !states.includes(s.name)) return false;
  return true;
}

function printResult(r, verbose) {
  const head = `${r.viewport.padEnd(14)} ${r.state.padEnd(10)} ${r.url.replace(/^https?:\/\/[^/]+\//, '/')}`;
  if (r.error) { console.log(`FAIL ${head}\n     error: ${r.error}`); return; }
  const n = r.violations.reduce((s, v) => s + v.nodes.length, 0);
  console.log(`${r.violations.length ? 'FAIL' : 'ok  '} ${head}\n     ${r.passes} rules pass, ${r.incomplete} need review, ` +
    `${r.violations.length} violated (${n} nodes)`);
  for (const v of r.violations) {
    console.log(`       ${v.id} [${v.impact}] ${v.help} — ${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'}`);
    const shown = verbose ? v.nodes : v.nodes.slice(0, 8);
    for (const node of shown) console.log(`         ${node.target}\n           ${node.html}\n           ${node.summary}`);
    if (shown.length < v.nodes.length) console.log(`         … and ${v.nodes.length - shown.length} more (--verbose)`);
  }
  for (const e of r.pageErrors || []) console.log(`       pageerror: ${e}`);
}

async function runApp(browser, args) {
  const base = args.base.replace(/[?#].*$/, '').replace(/\/?$/, '/');
  const results = [];
  const t0 = Date.now();
  for (const vp of [...VIEWPORTS, EMBED_VIEWPORT]) {
    const states = STATES.filter(s => !!s.embed === !!vp.embed && selected(args.only, vp, s));
    if (!states.length) continue;
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    let errors = [];
    page.on('pageerror', e => errors.push(e.message));
    for (const s of states) {
      errors = [];
      const url = stateUrl(base, s);
      const r = { viewport: vp.name, state: s.name, url };
      try {
        await page.goto(url, { waitUntil: 'load' });
        if (s.ready) {
          await page.waitForSelector(s.ready, { timeout: 60000 });
          await settle(page);
        } else {
          await waitReady(page, { embed: !!s.embed, pos: s.pos });
        }
        if (s.expect && !(await page.$(s.expect))) throw new Error(`${s.name}: ${s.expect} is not on the page (did the run change?)`);
        if (s.open) {
          await page.click(s.open.click);
          await page.waitForSelector(s.open.until, { timeout: 10000 });
          await settle(page);
        }
        Object.assign(r, await runAxe(page));
        r.pageErrors = errors.slice();
        if (errors.length) r.error = `the page threw: ${errors[0]}`;
      } catch (e) {
        r.error = e.message.split('\n')[0];
      }
      printResult(r, args.verbose);
      results.push(r);
    }
    await context.close();
  }
  const failed = results.filter(r => r.error || r.violations.length);
  console.log(`\naxe-core ${AXE_VERSION} (${TAGS.join(', ')}): ${results.length} states in ${((Date.now() - t0) / 1000).toFixed(1)} s: ` +
    `${results.length - failed.length} pass, ${failed.length} fail`);
  return results;
}

// ---------------------------------------------------------------------------------------------
// The self-test: planted faults, each beside a clean twin; axe must report exactly the faults.

const SELF_TEST_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>a11y self-test</title><style>
  body { font: 14px/1.4 sans-serif; background: #f4f6fb; color: #0f172a; }
  .scroll { height: 40px; overflow-y: auto; }
  .faint { color: #94a3b8; font-size: 12px; }
  .muted { color: #475569; font-size: 12px; }
</style></head><body><main>
  <h1>Self-test</h1>
  <div data-case="contrast"><p class="faint">grey 12 px text on the page's background</p></div>
  <div data-case="clean-contrast"><p class="muted">darker 12 px text on the same background</p></div>
  <div data-case="button-name"><button id="bare"><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6"/></svg></button></div>
  <div data-case="clean-button-name"><button aria-label="Close"><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6"/></svg></button></div>
  <div data-case="nested-interactive"><svg width="120" height="40" role="img" aria-label="a drawing"><g tabindex="0" role="button" aria-label="card 1"><rect width="50" height="30"/></g></svg></div>
  <div data-case="clean-nested-interactive"><svg width="120" height="40" role="group" aria-label="a drawing"><g tabindex="0" role="button" aria-label="card 1"><rect width="50" height="30"/></g></svg></div>
  <div data-case="scrollable-region-focusable"><div class="scroll"><p>one</p><p>two</p><p>three</p><p>four</p></div></div>
  <div data-case="clean-scrollable-region-focusable"><div class="scroll" tabindex="0" role="region" aria-label="lines"><p>one</p><p>two</p><p>three</p><p>four</p></div></div>
  <div data-case="aria-allowed-attr"><a href="#top" aria-pressed="true">a pressed link</a></div>
  <div data-case="clean-aria-allowed-attr"><div role="button" tabindex="0" aria-pressed="true">pressed button</div></div>
  <div data-case="aria-prohibited-attr"><div aria-label="a named box without a role" style="width:20px;height:20px;background:#0f172a"></div></div>
  <div data-case="clean-aria-prohibited-attr"><div role="region" aria-label="a named box">a region</div></div>
  <div data-case="image-alt"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20"></div>
  <div data-case="clean-image-alt"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20" alt="a dot"></div>
</main></body></html>`;

// The rules each faulty case must trip (nothing else anywhere).
const SELF_TEST_EXPECT = {
  contrast: ['color-contrast'],
  'button-name': ['button-name'],
  'nested-interactive': ['nested-interactive'],
  'scrollable-region-focusable': ['scrollable-region-focusable'],
  'aria-allowed-attr': ['aria-allowed-attr'],
  'aria-prohibited-attr': ['aria-prohibited-attr'],
  'image-alt': ['image-alt'],
};

async function selfTest(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.setContent(SELF_TEST_HTML);
  const r = await runAxe(page);
  await context.close();
  const got = {};
  const stray = [];
  for (const v of r.violations) {
    for (const n of v.nodes) {
      if (n.case && SELF_TEST_EXPECT[n.case]) (got[n.case] = got[n.case] || new Set()).add(v.id);
      else stray.push(`${v.id} on ${n.target} (${n.case || 'no case'})`);
    }
  }
  let ok = true;
  for (const [c, rules] of Object.entries(SELF_TEST_EXPECT)) {
    const want = [...rules].sort().join(','), have = [...(got[c] || [])].sort().join(',');
    const pass = want === have;
    ok = ok && pass;
    console.log(`  ${pass ? 'ok  ' : 'FAIL'} ${c.padEnd(28)} want [${want}] got [${have}]`);
  }
  for (const s of stray) { ok = false; console.log(`  FAIL stray violation: ${s}`); }
  console.log(`self-test: ${ok ? 'pass' : 'FAIL'} (axe-core ${AXE_VERSION}: ${r.violations.length} rules violated on the planted page, ${r.passes} passed)`);
  return ok;
}

(async () => {
  let args;
  try { args = parseArgs(process.argv.slice(2)); } catch (e) { console.error(e.message); process.exit(2); }
  if (args.help || (!args.base && !args.selfTest)) {
    console.log('usage: node scripts/check-a11y.js [--self-test] [--json FILE] [--only TOKEN,…] [--verbose] BASE_URL');
    console.log(`  --only tokens: viewports ${[...VIEWPORTS, EMBED_VIEWPORT].map(v => v.name).join(' ')} (or embed), states ${STATES.map(s => s.name).join(' ')}`);
    process.exit(args.help ? 0 : 2);
  }
  const browser = await playwright.chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let ok = true;
  try {
    if (args.selfTest) ok = (await selfTest(browser)) && ok;
    if (args.base) {
      const results = await runApp(browser, args);
      if (args.json) fs.writeFileSync(args.json, JSON.stringify({ base: args.base, axe: AXE_VERSION, tags: TAGS, results }, null, 2));
      ok = ok && results.length > 0 && results.every(r => !r.error && r.violations.length === 0);
    }
  } finally {
    await browser.close();
  }
  process.exit(ok ? 0 : 1);
})().catch(e => { console.error(e); process.exit(1); });
