// Test: the guide page, sub-path hosting, the Content-Security-Policy and the copy-link fallback,
// in headless Chromium against the release build.
//
//   make guide-test                          (after make bundle)
//   node scripts/check-guide.js [--dist DIR] [--port N] [--prefix /docs/zabscope/]
//        [--screenshots DIR] [--seconds S]
//
// It serves DIR (default dist/) under a prefix (default /docs/zabscope/) from a tiny static
// server of its own that answers nothing outside the prefix, so any absolute URL ("/zabscope.js")
// fails and is reported. Then, in one browser:
//
//   pages      the app (index.html), the embed example and the guide, at 1280×800: each renders
//              (the app's cluster drawing; the example's 2 mounted frames and 2 iframes; every
//              guide frame), with no console error, no uncaught exception, no failed request,
//              no request outside the prefix and no Content-Security-Policy violation
//              (securitypolicyviolation events, from the first script on, and console reports).
//   policy     each page has a CSP <meta> whose script-src is 'self' 'wasm-unsafe-eval' plus
//              hashes only and whose style-src is 'self'; and on each page an inline style and
//              an inline script added afterwards ARE refused and reported: the listener and the
//              policy are proved able to fail.
//   guide      at least 6 frames, each a scenario standing paused at its data-pos ("event N"),
//              each with a caption; the guide's own text is at least 12 px at 1280×800 and
//              390×844, nothing wider than the viewport, and at 390×844 its links are 44 px tall.
//   one-plays  Play in one frame pauses the one that was playing (they share a group).
//   offscreen  a playing frame scrolled out of view reports itself off screen and its clock
//              stops; scrolled back, it runs on.
//   cost       main-thread task time per second (CDP Performance.getMetrics TaskDuration) of
//              (a) the guide with every frame in view (a viewport as tall as the page) and all
//              paused, (b) the same with one frame playing, and (c) a page holding only that
//              frame, playing (the ?embed page of the same run at 800×440), (b) and (c) both
//              open and playing, measured in turns, each in front for its turn (medians of
//              4), so other load on the machine weighs on both alike. Fails unless (b) ≤ 2 × (c), and (a) stays idle
//              (≤ 5 ms/s, once the page has stopped changing and its one-shot animations have ended). Prints the numbers.
//   copy-link  with navigator.clipboard deleted (as on a plain-http origin), and again with a
//              clipboard that refuses, "Copy link" throws nothing and shows the link, selected,
//              in a read-only field after "Copy this link:", at 1280×800 and 390×844 (where the
//              field is 44 px tall).
//
// Exit 1 when any check fails. Playwright: playwright-core from NODE_PATH (the Makefile points
// it at .tools/node_modules), else /tmp/pw. Chromium: /usr/bin/chromium.
'use strict';
let playwright;
try { playwright = require('playwright-core'); } catch { playwright = require('/tmp/pw/node_modules/playwright-core'); }
const fs = require('fs');
const http = require('http');
const path = require('path');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const MIN_PX = 12;
const TARGET_PX = 44;
const MIN_FRAMES = 6;
const IDLE_MS_PER_S = 5;
const MAX_RATIO = 2;

function parseArgs(argv) {
  const a = { dist: 'dist', port: 8111, prefix: '/docs/zabscope/', screenshots: null, seconds: 5 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    if (k === '--dist') a.dist = v();
    else if (k === '--port') a.port = Number(v());
    else if (k === '--prefix') a.prefix = v();
    else if (k === '--screenshots') a.screenshots = v();
    else if (k === '--seconds') a.seconds = Number(v());
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.prefix.startsWith('/') || !a.prefix.endsWith('/')) throw new Error('--prefix must start and end with /');
  if (!Number.isInteger(a.port) || a.port <= 0) throw new Error('--port must be a port number');
  if (!(a.seconds > 0)) throw new Error('--seconds must be a positive number');
  return a;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
};

// DIR served under PREFIX only; "PREFIX/x/" serves x/index.html. Everything else is a 404.
function serve(dir, prefix, port) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let p = decodeURIComponent(url.pathname);
    if (!p.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not under ${prefix}`);
      return;
    }
    p = p.slice(prefix.length);
    if (p === '' || p.endsWith('/')) p += 'index.html';
    const file = path.resolve(root, p);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403);
      res.end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        // A directory without its slash: redirect, as a static host does.
        if (err.code === 'EISDIR') {
          res.writeHead(301, { location: `${url.pathname}/` });
          res.end();
          return;
        }
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

let failures = 0;
function check(ok, what, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}${detail ? `: ${detail}` : ''}`);
  if (!ok) failures++;
  return ok;
}

// Listens for CSP violations from before the first script runs.
const CSP_LISTENER = () => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''})`);
  });
};

// A page with every problem it reports collected.
async function openPage(context, origin, prefix, viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = [];
  page.on('console', (m) => {
    const t = m.text();
    if (m.type() === 'error' || /Content[- ]Security[- ]Policy/i.test(t)) problems.push(`console ${m.type()}: ${t}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure() && r.failure().errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (u.startsWith(origin) && !u.startsWith(origin + prefix)) problems.push(`request outside ${prefix}: ${u}`);
  });
  await page.addInitScript(CSP_LISTENER);
  return { page, problems };
}

async function cspViolations(page) {
  return page.evaluate(() => window.__csp.slice());
}

// The policy of the page as served: script-src and style-src.
async function policyOf(page) {
  return page.evaluate(() => {
    const m = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    if (!m) return null;
    const d = {};
    for (const part of m.content.split(';')) {
      const [name, ...rest] = part.trim().split(/\s+/);
      if (name) d[name] = rest;
    }
    return d;
  });
}

function checkPolicy(name, policy) {
  if (!check(!!policy, `${name}: has a Content-Security-Policy <meta>`)) return;
  const script = policy['script-src'] || [];
  const extra = script.filter((t) => !["'self'", "'wasm-unsafe-eval'"].includes(t) && !/^'sha256-[A-Za-z0-9+/=]+'$/.test(t));
  check(script.includes("'self'") && script.includes("'wasm-unsafe-eval'") && extra.length === 0,
    `${name}: script-src is 'self' 'wasm-unsafe-eval' and hashes`, script.join(' '));
  const style = policy['style-src'] || [];
  check(style.length === 1 && style[0] === "'self'", `${name}: style-src is 'self' only`, style.join(' '));
}

// Prove the policy and the listener: an inline style attribute and an inline script added now
// must both be refused and reported.
async function provePolicyBites(name, page) {
  const before = (await cspViolations(page)).length;
  const ran = await page.evaluate(() => {
    window.__inlineRan = false;
    const d = document.createElement('div');
    d.innerHTML = '<span style="color: red">x</span>';
    document.body.appendChild(d);
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    document.body.appendChild(s);
    d.remove();
    s.remove();
    return window.__inlineRan;
  });
  await page.waitForFunction((n) => window.__csp.length >= n + 2, before, { timeout: 5000 }).catch(() => {});
  const after = (await cspViolations(page)).length;
  check(!ran && after - before >= 2, `${name}: an inline style and an inline script added later are refused and reported`,
    `${after - before} report(s), inline script ${ran ? 'RAN' : 'blocked'}`);
  return after - before;
}

async function waitFrames(page, n) {
  await page.waitForFunction((n) => {
    if (document.querySelector('.panic-banner, .embed--error, .guide-frame__mount--error')) return true;
    const frames = [...document.querySelectorAll('.embed')];
    return frames.length >= n && frames.every((f) => f.querySelector('.embed__stage svg.cluster .peer-card, .embed__stage .peer-card')
      && !f.querySelector('.build-progress'));
  }, n, { polling: 'raf', timeout: 90000 });
  const broken = await page.evaluate(() => {
    const e = document.querySelector('.panic-banner, .embed--error, .guide-frame__mount--error');
    return e ? e.textContent.trim().slice(0, 300) : null;
  });
  if (broken) throw new Error(`a frame shows an error: ${broken}`);
}

// Task time (ms) per wall second, over `seconds`.
async function taskMsPerSecond(page, seconds) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (n) => metrics.find((m) => m.name === n).value;
    return { task: get('TaskDuration'), t: get('Timestamp') };
  };
  const a = await read();
  await page.waitForTimeout(seconds * 1000); // a measuring window, not a wait for a condition
  const b = await read();
  await cdp.detach();
  return ((b.task - a.task) * 1000) / (b.t - a.t);
}

// The guide's own text (outside the frames) and each frame's: the smallest font size drawn, and
// whether anything is wider than the viewport.
async function legibility(page) {
  return page.evaluate(({ MIN_PX }) => {
    const small = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let min = Infinity;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      if (!el || el.closest('.visually-hidden')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      let px = parseFloat(cs.fontSize);
      const svg = el.closest('svg');
      if (svg && el instanceof SVGElement && el.getScreenCTM) {
        const m = el.getScreenCTM();
        if (m) px *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      }
      min = Math.min(min, px);
      if (px < MIN_PX - 0.01) small.push(`${px.toFixed(1)} px: "${n.textContent.trim().slice(0, 40)}"`);
    }
    const wide = document.documentElement.scrollWidth > window.innerWidth + 1;
    return { min, small: small.slice(0, 8), smallCount: small.length, wide };
  }, { MIN_PX });
}

async function smallTargets(page) {
  return page.evaluate(({ TARGET_PX }) => {
    const out = [];
    for (const el of document.querySelectorAll('a[href], button, input, select, summary, [role=button]')) {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
      if (el.closest('.visually-hidden')) continue;
      if (r.width < TARGET_PX - 0.5 || r.height < TARGET_PX - 0.5) out.push(`${el.tagName.toLowerCase()}.${el.className || ''} "${(el.textContent || el.value || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, { TARGET_PX });
}

async function frameState(page, i) {
  return page.evaluate((i) => {
    const f = document.querySelectorAll('.embed')[i];
    return {
      playing: f.querySelector('.embed__play').getAttribute('aria-pressed') === 'true',
      clock: f.querySelector('.embed__clock').textContent,
      onScreen: f.dataset.onScreen,
    };
  }, i);
}

async function waitClockMoves(page, i, from) {
  await page.waitForFunction(({ i, from }) => document.querySelectorAll('.embed')[i].querySelector('.embed__clock').textContent !== from,
    { i, from }, { polling: 'raf', timeout: 20000 });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(args.dist, 'index.html'))) throw new Error(`no ${args.dist}/index.html; run make bundle first`);
  if (!fs.existsSync(path.join(args.dist, 'guide', 'index.html'))) throw new Error(`no ${args.dist}/guide/index.html: index.html must copy www/guide`);
  if (args.screenshots) fs.mkdirSync(args.screenshots, { recursive: true });
  const server = await serve(args.dist, args.prefix, args.port);
  const origin = `http://127.0.0.1:${args.port}`;
  const base = origin + args.prefix;
  console.log(`serving ${args.dist} at ${base} (nothing outside ${args.prefix})`);
  const browser = await playwright.chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const shot = async (page, name) => {
    if (args.screenshots) await page.screenshot({ path: path.join(args.screenshots, `${name}.png`), fullPage: false });
  };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });

    // ---- pages: render, no errors, no request outside the prefix, no CSP violation --------
    {
      const { page, problems } = await openPage(context, origin, args.prefix);
      await page.goto(`${base}?scenario=fresh-start&seed=1&pos=149`);
      await page.waitForSelector('.app__drawing svg.cluster .peer-card, .app__drawing .peer-card', { timeout: 90000 });
      const cards = await page.locator('.app__drawing .peer-card').count();
      check(cards === 3, 'app under the prefix: the cluster drawing shows its 3 servers', `${cards} cards`);
      checkPolicy('app', await policyOf(page));
      const v = await cspViolations(page);
      check(v.length === 0, 'app: no CSP violation', v.join('; '));
      check(problems.length === 0, 'app: no console error, exception or failed request', problems.join('; '));
      await shot(page, 'app-1280x800');
      await provePolicyBites('app', page);
      await page.close();
    }
    {
      // The tour's chapter 7 draws pseudo-code with indented lines: nothing in it may need an
      // inline style (the policy would refuse it, and the indentation would be lost).
      const { page, problems } = await openPage(context, origin, args.prefix);
      await page.goto(`${base}?tour=7`);
      await page.waitForSelector('.tour .tour__line', { timeout: 90000 });
      const indents = await page.evaluate(() => new Set([...document.querySelectorAll('.tour__line')]
        .map((l) => getComputedStyle(l).paddingLeft)).size);
      check(indents >= 2, 'tour ?tour=7: the pseudo-code is indented', `${indents} distinct indents`);
      const v = await cspViolations(page);
      check(v.length === 0, 'tour ?tour=7: no CSP violation', v.join('; '));
      check(problems.length === 0, 'tour ?tour=7: no console error, exception or failed request', problems.join('; '));
      await page.close();
    }
    {
      const { page, problems } = await openPage(context, origin, args.prefix);
      await page.goto(`${base}embed-example.html`);
      await waitFrames(page, 2);
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      for (const f of frames) await f.waitForSelector('.embed__stage .peer-card', { timeout: 90000 });
      check(frames.length === 2, 'embed example: 2 mounted frames and 2 iframes render', `${frames.length} iframes`);
      checkPolicy('embed example', await policyOf(page));
      let v = await cspViolations(page);
      for (const f of frames) v = v.concat(await f.evaluate(() => (window.__csp || []).slice()));
      check(v.length === 0, 'embed example (and its iframes): no CSP violation', v.join('; '));
      check(problems.length === 0, 'embed example: no console error, exception or failed request', problems.join('; '));
      await shot(page, 'embed-example-1280x800');
      await provePolicyBites('embed example', page);
      await page.close();
    }

    // ---- guide: frames, captions, positions, text ---------------------------------------------
    let framesCount = 0;
    for (const vp of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const name = `${vp.width}x${vp.height}`;
      const { page, problems } = await openPage(context, origin, args.prefix, vp);
      await page.goto(`${base}guide/`);
      const want = await page.locator('.guide-frame__mount').count();
      framesCount = want;
      // Frames build as they come into view: scroll each in once.
      for (let i = 0; i < want; i++) {
        await page.locator('.guide-frame__mount').nth(i).scrollIntoViewIfNeeded();
        await page.waitForFunction((i) => {
          const f = document.querySelectorAll('.guide-frame__mount')[i].querySelector('.embed');
          return f && f.querySelector('.peer-card') && !f.querySelector('.build-progress');
        }, i, { polling: 'raf', timeout: 90000 });
      }
      await waitFrames(page, want);
      if (vp.width === 1280) {
        check(want >= MIN_FRAMES, `guide: at least ${MIN_FRAMES} live frames`, `${want}`);
        checkPolicy('guide', await policyOf(page));
      }
      const frames = await page.evaluate(() => [...document.querySelectorAll('.guide-frame')].map((fig) => {
        const mount = fig.querySelector('.guide-frame__mount');
        const e = mount.querySelector('.embed');
        return {
          scenario: mount.dataset.scenario,
          pos: mount.dataset.pos,
          shown: e && e.dataset.scenario,
          title: e && e.querySelector('.embed__title').textContent,
          clock: e && e.querySelector('.embed__clock').textContent,
          playing: e && e.querySelector('.embed__play').getAttribute('aria-pressed'),
          cards: e ? e.querySelectorAll('.peer-card').length : 0,
          caption: (fig.querySelector('figcaption') || { textContent: '' }).textContent.trim(),
        };
      }));
      const wrong = frames.filter((f) => !f.title || f.shown !== f.scenario || !/ · seed \d+ · ZooKeeper \d+(\.\d+)+$/.test(f.title) || !f.clock.endsWith(`step ${f.pos}`)
        || f.playing !== 'false' || f.cards < 3 || f.caption.length < 40 || !f.caption.includes(`step ${f.pos}`));
      check(wrong.length === 0, `guide ${name}: every frame stands paused at its scenario and position, with its caption`,
        wrong.map((f) => JSON.stringify(f)).join('; ') || frames.map((f) => `${f.scenario}@${f.pos}`).join(', '));
      await page.evaluate(() => window.scrollTo(0, 0));
      const leg = await legibility(page);
      check(leg.smallCount === 0, `guide ${name}: every text ≥ ${MIN_PX} px`, leg.smallCount ? leg.small.join('; ') : `smallest ${leg.min.toFixed(1)} px`);
      check(!leg.wide, `guide ${name}: nothing wider than the viewport`);
      if (vp.width === 390) {
        const small = await smallTargets(page);
        check(small.length === 0, `guide ${name}: tap targets ≥ ${TARGET_PX} px`, small.slice(0, 8).join('; '));
      }
      const v = await cspViolations(page);
      check(v.length === 0, `guide ${name}: no CSP violation`, v.join('; '));
      check(problems.length === 0, `guide ${name}: no console error, exception or failed request`, problems.join('; '));
      await page.locator('.guide-frame').nth(1).scrollIntoViewIfNeeded();
      await shot(page, `guide-${name}`);
      if (vp.width === 1280) await provePolicyBites('guide', page);
      await page.close();
    }

    // ---- one plays at a time; off screen stops ----------------------------------------------
    // An embedded frame plays through its scenario's key moment (UiState::key_stops), so a
    // pause seen here is the group's doing.
    {
      const { page, problems } = await openPage(context, origin, args.prefix);
      await page.goto(`${base}guide/`);
      const A = 1;
      const B = 2;
      const first = page.locator('.guide-frame__mount').nth(A);
      const second = page.locator('.guide-frame__mount').nth(B);
      await first.scrollIntoViewIfNeeded();
      await page.waitForFunction((A) => { const e = document.querySelectorAll('.embed')[A]; return e && e.querySelector('.peer-card'); }, A);
      await first.locator('.embed__play').click();
      const s0 = await frameState(page, A);
      await waitClockMoves(page, A, s0.clock);
      await second.scrollIntoViewIfNeeded();
      await page.waitForFunction((B) => { const e = document.querySelectorAll('.embed')[B]; return e && e.querySelector('.peer-card'); }, B);
      const before = await frameState(page, A);
      check(before.playing, 'guide: a frame plays when its Play is pressed', `frame ${A + 1} ${before.playing ? 'playing' : 'paused'}`);
      // Frame A is still partly in view here; Play in frame B must pause it.
      await second.locator('.embed__play').click();
      await page.waitForFunction((A) => document.querySelectorAll('.embed')[A].querySelector('.embed__play').getAttribute('aria-pressed') === 'false',
        A, { timeout: 5000 }).catch(() => {});
      const a = await frameState(page, A);
      const b = await frameState(page, B);
      check(!a.playing && b.playing, 'guide: Play in one frame pauses the one that was playing', `first ${a.playing ? 'playing' : 'paused'}, second ${b.playing ? 'playing' : 'paused'}`);
      // Scroll the playing frame away: it must say it is off screen and its clock must stop.
      await page.locator('#more').scrollIntoViewIfNeeded();
      await page.waitForFunction((B) => document.querySelectorAll('.embed')[B].dataset.onScreen === 'false', B, { timeout: 5000 }).catch(() => {});
      const off = await frameState(page, B);
      const still = await page.evaluate((B) => new Promise((resolve) => {
        // 30 animation frames of the page (about half a second): the clock must not move.
        const clock = () => document.querySelectorAll('.embed')[B].querySelector('.embed__clock').textContent;
        const start = clock();
        let n = 0;
        const tick = () => (++n >= 30 ? resolve(clock() === start) : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
      }), B);
      check(off.onScreen === 'false' && off.playing && still, 'guide: a playing frame scrolled off screen stops',
        `on-screen=${off.onScreen}, ${off.playing ? 'playing' : 'PAUSED'}, clock ${still ? 'still' : 'MOVING'}`);
      await second.scrollIntoViewIfNeeded();
      const back = await frameState(page, B);
      let resumed = true;
      await waitClockMoves(page, B, back.clock).catch(() => { resumed = false; });
      check(resumed, 'guide: scrolled back into view, it runs on');
      check(problems.length === 0, 'guide (playing): no console error, exception or failed request', problems.join('; '));
      await page.close();
    }

    // ---- cost -------------------------------------------------------------------------------
    {
      const { page, problems } = await openPage(context, origin, args.prefix);
      await page.goto(`${base}guide/`);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width: 1280, height: Math.min(height + 40, 16000) });
      await waitFrames(page, framesCount);
      const inView = await page.evaluate(() => [...document.querySelectorAll('.embed')].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      }).length);
      check(inView === framesCount, 'cost: every guide frame is in view', `${inView} of ${framesCount}`);
      // Idle means after the frames have laid themselves out: wait for 30 frames in a row
      // with no DOM change (at most 600) before measuring.
      const quiet = await page.evaluate(() => new Promise((resolve) => {
        let dirty = false;
        let calm = 0;
        let n = 0;
        const mo = new MutationObserver(() => { dirty = true; });
        mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        const tick = () => {
          n++;
          calm = dirty ? 0 : calm + 1;
          dirty = false;
          if (calm >= 30 || n > 600) { mo.disconnect(); resolve(calm >= 30); } else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }));
      check(quiet, 'cost: the guide stops changing once its frames are laid out');
      // A paused frame may open on a moment that flashes once (a thread just woken: 1.2 s):
      // no DOM change, but painting. Idle starts when those have ended; an animation that
      // never ends would be a cost of its own, and fails here.
      const endless = await page.evaluate(() => Promise.race([
        Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))).then(() => []),
        new Promise((r) => setTimeout(r, 10000)).then(() => document.getAnimations()
          .filter((a) => a.playState === 'running')
          .map((a) => `${a.animationName || a.transitionProperty} on .${a.effect?.target?.getAttribute('class')}`)),
      ]));
      check(endless.length === 0, 'cost: every animation on the paused guide comes to an end', endless.join(', '));
      const idle = await taskMsPerSecond(page, args.seconds / 2);
      // Frame 2, playing through the whole window (a frame does not stop at key moments).
      const frame = await page.evaluate(() => {
        const m = document.querySelectorAll('.guide-frame__mount')[1];
        return { scenario: m.dataset.scenario, seed: m.dataset.seed, pos: m.dataset.pos };
      });
      await page.locator('.embed__play').nth(1).click();
      await page.waitForFunction(() => document.querySelectorAll('.embed__play')[1].getAttribute('aria-pressed') === 'true');
      // The lone frame, playing beside it. Both stay open and playing while they are measured
      // in turns (4 rounds each, medians): load from elsewhere on the machine then weighs on
      // both sides of the ratio alike.
      const one = await openPage(context, origin, args.prefix, { width: 800, height: 440 });
      await one.page.goto(`${base}?embed&scenario=${frame.scenario}&seed=${frame.seed}&pos=${frame.pos}&speed=0.25`);
      await waitFrames(one.page, 1);
      await one.page.locator('.embed__play').click();
      // Only the page in front runs its animation frames: bring each to the front for its
      // turn, and measure once its clock has moved again.
      const turn = async (p, i) => {
        await p.bringToFront();
        const c = (await frameState(p, i)).clock;
        await waitClockMoves(p, i, c);
        return taskMsPerSecond(p, args.seconds / 4);
      };
      const rounds = { guide: [], single: [] };
      for (let r = 0; r < 4; r++) {
        rounds.guide.push(await turn(page, 1));
        rounds.single.push(await turn(one.page, 0));
      }
      const median = (v) => { const s = [...v].sort((a, b) => a - b); return (s[1] + s[2]) / 2; };
      const guide = median(rounds.guide);
      const single = median(rounds.single);
      const stillPlaying = await page.evaluate(() => document.querySelectorAll('.embed__play')[1].getAttribute('aria-pressed') === 'true');
      check(stillPlaying, 'cost: the guide\'s frame played through the measurement');
      const alsoPlaying = await one.page.evaluate(() => document.querySelector('.embed__play').getAttribute('aria-pressed') === 'true');
      check(alsoPlaying, 'cost: the lone frame played through the measurement');
      check(problems.length === 0, 'cost: no console error, exception or failed request', problems.join('; '));
      await one.page.close();
      await page.close();
      const ratio = guide / single;
      console.log(`      main-thread task time, ms per second (idle over ${args.seconds / 2} s; playing: medians of 4 turns of ${args.seconds / 4} s each):`);
      console.log(`        guide, ${framesCount} frames in view, all paused      ${idle.toFixed(1)}`);
      console.log(`        guide, ${framesCount} frames in view, one playing     ${guide.toFixed(1)}`);
      console.log(`        one frame alone (?embed, 800×440), playing ${single.toFixed(1)}`);
      console.log(`        ratio guide / one frame                    ${ratio.toFixed(2)}`);
      check(idle <= IDLE_MS_PER_S, `cost: the guide with every frame paused is idle (≤ ${IDLE_MS_PER_S} ms/s)`, `${idle.toFixed(1)} ms/s`);
      check(single > 0 && ratio <= MAX_RATIO, `cost: the guide with one frame playing costs ≤ ${MAX_RATIO}× one frame`, `${ratio.toFixed(2)}×`);
    }

    // ---- copy link: no clipboard, and a clipboard that refuses ----------------------------
    const variants = [
      ['no navigator.clipboard', () => { delete Navigator.prototype.clipboard; }],
      ['a clipboard that refuses', () => {
        Object.defineProperty(Navigator.prototype, 'clipboard', {
          configurable: true,
          get: () => ({ writeText: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) }),
        });
      }],
    ];
    for (const [label, init] of variants) {
      for (const vp of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
        const { page, problems } = await openPage(context, origin, args.prefix, vp);
        await page.addInitScript(init);
        await page.goto(`${base}?scenario=leader-crash&seed=3&pos=120`);
        await page.waitForSelector('.run-bar__copy', { timeout: 90000 });
        const copy = page.locator('.run-bar__copy');
        await copy.scrollIntoViewIfNeeded();
        await copy.click();
        const field = page.locator('.run-bar__link-text');
        await field.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
        const got = await page.evaluate(() => {
          const f = document.querySelector('.run-bar__link-text');
          if (!f) return null;
          const r = f.getBoundingClientRect();
          return {
            value: f.value,
            readOnly: f.readOnly,
            selected: document.activeElement === f && f.selectionStart === 0 && f.selectionEnd === f.value.length && f.value.length > 0,
            text: f.closest('.run-bar__notice').textContent,
            height: r.height,
            inView: r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth,
          };
        });
        const name = `copy link, ${label}, ${vp.width}x${vp.height}`;
        const wantStart = `${base}?`;
        check(!!got && got.readOnly && got.value.startsWith(wantStart) && got.value.includes('seed=3') && got.value.includes('pos=120')
          && got.text.includes('Copy this link:') && got.selected && got.inView
          && (vp.width > 700 || got.height >= TARGET_PX - 0.5),
        `${name}: the link is shown, selected, in a read-only field`, got ? `${got.value} (${Math.round(got.height)} px tall${got.selected ? ', selected' : ', NOT selected'}${got.inView ? '' : ', OUT OF VIEW'})` : 'no field');
        check(problems.length === 0, `${name}: nothing thrown, no console error`, problems.join('; '));
        if (vp.width === 390 && label.startsWith('no')) await shot(page, 'copy-link-fallback-390x844');
        if (vp.width === 1280 && label.startsWith('no')) await shot(page, 'copy-link-fallback-1280x800');
        await page.close();
      }
    }
    await context.close();
  } finally {
    await browser.close();
    server.close();
  }
  console.log(failures ? `\n${failures} check(s) failed` : '\nall guide checks passed');
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.error(`check-guide: ${e.stack || e}`);
  process.exit(1);
});
