// Test: the stage's text is legible and nothing is cut, overlapped or covered.
//
//   make layout-test                       (serves dist/ on 127.0.0.1:8093, self-test, then this)
//   node scripts/check-layout.js [--self-test] [--json FILE] [--screenshots DIR]
//        [--only TOKEN,…] [--no-targets] [--verbose] BASE_URL
//
//   e.g. node scripts/check-layout.js --only 390x844,partition http://127.0.0.1:8093/
//
// Opens the app (headless Chromium, one browser, one page per viewport) at fixed runs and fixed
// positions — every viewport × cluster shape × position below, plus the embed frame at 800×440
// — waits until it stands there (conditions, never a sleep: the drawing laid out in its box,
// paused at the position, the DOM quiet for two frames, fonts loaded; CSS animations are then
// jumped to their end, so every run sees the same frame), and checks the cluster stage
// (caption, fault bar, drawing, legend) and the side panels (`.app__stage`, `.app__side`; in the
// embed frame all of `.embed`):
//
//   small    every visible text (HTML or SVG text node; inputs and selects by their value) is
//            drawn at >= 12 CSS px: computed font-size × the scale of CSS transforms above it
//            (× CSS zoom), for SVG × the scale of its getScreenCTM() (viewBox, transforms).
//   cut      no text is cut: no `text-overflow: ellipsis` box whose content overflows, no `…`
//            the app put at the end of a word (`ab…`, `… 3 more` is not a cut), no text rect
//            outside an ancestor with overflow hidden/clip (an outer <svg> clips too), none
//            sideways out of an overflow auto/scroll box, none outside the viewport's width,
//            and the page does not scroll sideways. Text outside a *vertically* scrolling box
//            (the event log's lines below its fold) is "scrolled away": counted, not a failure,
//            and not checked further.
//   overlap  no two text rects of different text nodes intersect by more than 1 px².
//   covered  at five points of each text line (centre, both ends, above and below the
//            middle), document.elementsFromPoint (pointer-events forced on for the check, so
//            labels that ignore the mouse count) must hit the
//            text's own element, an ancestor or a descendant before anything that paints:
//            elements that paint nothing there (opacity 0, SVG shapes with neither fill nor
//            stroke, HTML boxes with no background, border or shadow) are passed over; the
//            first other element is reported as the cover.
//   target   (at 390×844, --no-targets to skip) every visible button, a[href], [role=button],
//            input, select, textarea and summary in the page is at least 44×44 CSS px.
//   error    the page threw (pageerror) or never got ready.
//
// Prints one block per case (viewport, shape, position): texts checked, the smallest px, and
// each failure with its text, px and selector path. --json FILE writes every result,
// --screenshots DIR a full-page PNG per case. Exit 1 when any case fails.
//
// --self-test loads a synthetic page (page.setContent) with one instance of each fault (10 px
// text, SVG text shrunk by its viewBox, HTML and SVG text under a scale(0.5) transform or a
// zoom of 0.5, two overlapping
// labels, an ellipsis, a clipped label, a truncated `…` label, a covered label, a label half
// under a panel, a 30×30 button)
// and clean controls (a 14 px label, a 44×44 button, a visually-hidden span, a scrolled log
// inside an overflow:hidden box, a
// display:none 8 px text, 8 px text in a closed <details>, a label under a transparent overlay), and exits 1 unless the checker
// flags exactly the faulty ones, each with its kind.
//
// Playwright: playwright-core from NODE_PATH (the Makefile points it at .tools/node_modules;
// scripts/install-tools.sh playwright), else /tmp/pw. Chromium: /usr/bin/chromium.
'use strict';
let playwright;
try { playwright = require('playwright-core'); } catch { playwright = require('/tmp/pw/node_modules/playwright-core'); }
const fs = require('fs');
const path = require('path');
const { waitForPosition } = require('./lib/app-ready');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const MIN_PX = 12;
const TARGET_PX = 44;

const VIEWPORTS = [
  { name: '1280x800', width: 1280, height: 800, targets: false },
  { name: '390x844', width: 390, height: 844, targets: true },
];
const EMBED_VIEWPORT = { name: 'embed-800x440', width: 800, height: 440, targets: false, embed: true };

// The runs: seed 1 of each shape. For each, three positions found by scanning the run in the
// browser, event by event (the timeline's range input; reading the status line's "N in
// flight", the peer cards' data-state and the epoch gauge's waiting step) against the build of
// 2026-12-02 04:36 UTC (HEAD 297e5ef); what each shows is noted beside it. They depend only on
// the simulation, which is deterministic: they stay put unless crates/ changes the run.
//   burst      the election's busiest moment: the most messages in flight before any leader
//   epoch      Leader.lead() blocked in waitForEpochAck (the gauge panel, `.gauge--running`,
//              its set part-filled, ACKEPOCHs in flight)
//   partition  a partition between the leader and server 1 (`f=STEP:pL-1`, after the run
//              settled in BROADCAST) in force: the cut drawn on their link and listed in the
//              fault bar, server 1 LOOKING again, its notifications in flight
const SHAPES = [
  { name: '3v', voters: 3, observers: 0 },
  { name: '5v', voters: 5, observers: 0 },
  { name: '5v+1o', voters: 5, observers: 1 },
  { name: '7v', voters: 7, observers: 0 },
  { name: '9v+4o', voters: 9, observers: 4 },
];
const POSITIONS = {
  // leader 3 (epoch 1); waitForEpochAck at events 74–77
  '3v': {
    burst: { pos: 26 },                      // t=346 ms, 5 in flight, 3 LOOKING
    epoch: { pos: 75 },                      // t=777 ms, waitForEpochAck, 2 in flight
    partition: { pos: 140, f: '120:p3-1' },  // t=8.4 s, 1 ↮ 3, 1 LOOKING
  },
  // leader 5; waitForEpochAck at 236–244
  '5v': {
    burst: { pos: 90 },                      // t=350 ms, 19 in flight, 5 LOOKING
    epoch: { pos: 239 },                     // t=801 ms, waitForEpochAck, 4 in flight
    partition: { pos: 360, f: '300:p5-1' },  // t=7.9 s, 1 ↮ 5, 3 in flight
  },
  // leader 5, observer 6; waitForEpochAck at 299–305
  '5v+1o': {
    burst: { pos: 140 },                     // t=368 ms, 22 in flight, 6 LOOKING
    epoch: { pos: 299 },                     // t=776 ms, waitForEpochAck, 3 in flight
    partition: { pos: 560, f: '400:p5-1' },  // t=11.9 s, 1 ↮ 5, 4 in flight
  },
  // leader 7; waitForEpochAck at 480–491
  '7v': {
    burst: { pos: 204 },                     // t=327 ms, 20 in flight, 7 LOOKING
    epoch: { pos: 482 },                     // t=865 ms, waitForEpochAck, 6 in flight
    partition: { pos: 650, f: '600:p7-1' },  // t=8.0 s, 1 ↮ 7, 5 in flight
  },
  // leader 9, observers 10–13; waitForEpochAck at 1441–1456
  '9v+4o': {
    burst: { pos: 666 },                     // t=350 ms, 74 in flight, 13 LOOKING
    epoch: { pos: 1441 },                    // t=808 ms, waitForEpochAck, 7 in flight
    partition: { pos: 1640, f: '1600:p9-1' }, // t=1.16 s, 1 ↮ 9, 20 in flight, observers syncing
  },
};
const POSITION_NAMES = ['burst', 'epoch', 'partition'];

function caseUrl(base, shape, position, embed) {
  const p = POSITIONS[shape.name][position];
  const q = [`seed=1`, `voters=${shape.voters}`, `observers=${shape.observers}`];
  if (p.f) q.push(`f=${p.f}`);
  q.push(`pos=${p.pos}`);
  if (embed) q.push('embed=1');
  return `${base}${base.includes('?') ? '&' : '?'}${q.join('&')}`;
}

// ---------------------------------------------------------------------------------------------
// The checker, run inside the page (page.evaluate serialises it: it must use nothing from here).
function layoutCheck(opts) {
  const MIN = opts.minPx, TARGET = opts.targetPx, TOL = 1;
  const vw = window.innerWidth, vh = window.innerHeight;
  const roots = opts.roots.flatMap(s => [...document.querySelectorAll(s)]);
  const failures = [];
  const cs = el => getComputedStyle(el);
  const parentEl = e => e.parentElement || (e.parentNode && e.parentNode.host) || null;
  const ancestors = function* (el) { for (let e = el; e; e = parentEl(e)) yield e; };

  const selector = el => {
    const parts = [];
    for (const e of ancestors(el)) {
      if (e === document.body || e === document.documentElement) break;
      let s = e.tagName.toLowerCase();
      if (e.id) s += '#' + e.id;
      const cls = typeof e.className === 'string' ? e.className : (e.className && e.className.baseVal) || '';
      cls.split(/\s+/).filter(Boolean).slice(0, 2).forEach(c => { s += '.' + c; });
      for (const a of ['data-sid', 'data-msg', 'data-cut', 'data-link', 'data-case']) {
        if (e.hasAttribute(a)) s += `[${a}=${e.getAttribute(a)}]`;
      }
      parts.unshift(s);
      if (parts.length >= 7) { parts.unshift('…'); break; }
    }
    return parts.join(' > ');
  };
  const caseOf = el => { const c = el && el.closest && el.closest('[data-case]'); return c ? c.getAttribute('data-case') : undefined; };
  const short = t => { t = t.replace(/\s+/g, ' ').trim(); return t.length > 70 ? t.slice(0, 69) + '⋯' : t; };
  const alpha0 = color => /rgba\(.*,\s*0\)$/.test(color) || color === 'transparent';
  const noPaint = v => !v || v === 'none' || alpha0(v);

  // Hidden on purpose: not rendered, or the screen-reader-only pattern (a 1 px box clipped to
  // nothing), or fully transparent. Returns a reason or null.
  const hiddenReason = el => {
    // Chromium's own answer first: display none, content-visibility hidden (a closed
    // <details>), visibility, opacity 0 anywhere above.
    if (el.checkVisibility && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return 'checkVisibility';
    for (const e of ancestors(el)) {
      const st = cs(e);
      if (st.display === 'none') return 'display';
      if (parseFloat(st.opacity) === 0) return 'opacity';
      if (e instanceof SVGElement && ['title', 'desc', 'defs', 'metadata', 'clipPath', 'mask', 'symbol', 'marker', 'pattern'].includes(e.tagName)) return 'svg-nonrendered';
      if (['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(e.tagName)) return 'nonrendered';
      if (st.position === 'absolute' || st.position === 'fixed') {
        const r = e.getBoundingClientRect();
        const clipped = st.clip === 'rect(0px, 0px, 0px, 0px)' || /inset\(50%\)/.test(st.clipPath);
        if (clipped && r.width <= 1 && r.height <= 1) return 'visually-hidden';
      }
    }
    const st = cs(el);
    if (st.visibility !== 'visible') return 'visibility';
    return null;
  };

  const matScale = m => {
    const sx = Math.hypot(m.a, m.b), sy = Math.hypot(m.c, m.d);
    return Math.min(sx, sy);
  };
  // The scale of CSS transforms (and zoom) on HTML elements from `el` up.
  const htmlScale = el => {
    let s = 1;
    for (const e of ancestors(el)) {
      if (e instanceof SVGElement) continue;
      const t = cs(e).transform;
      if (t && t !== 'none') s *= matScale(new DOMMatrixReadOnly(t));
    }
    const z = el.currentCSSZoom;
    return typeof z === 'number' ? s * z : s;
  };
  const outerSvg = el => { let o = null; for (const e of ancestors(el)) if (e instanceof SVGSVGElement) o = e; return o; };
  // The px a text in `el` is drawn at.
  const drawnPx = el => {
    const fsz = parseFloat(cs(el).fontSize);
    if (el instanceof SVGGraphicsElement && el.getScreenCTM) {
      // In Chromium getScreenCTM() holds the viewBox, SVG transforms and the CSS transforms
      // and zoom of the HTML above the <svg> (the self-test checks each).
      const m = el.getScreenCTM();
      return fsz * (m ? matScale(m) : 1);
    }
    return fsz * htmlScale(el);
  };

  // Clipping boxes above an element: [{el, box, x: mode, y: mode}], mode 'clip' | 'scroll'.
  const clipBoxes = el => {
    const out = [];
    for (const e of ancestors(parentEl(el) || el)) {
      if (e === document.documentElement || e === document.body) continue;
      const st = cs(e);
      const isSvgViewport = e instanceof SVGSVGElement || (e instanceof SVGElement && e.tagName === 'foreignObject');
      if (e instanceof SVGElement && !isSvgViewport) continue;
      if (!(e instanceof SVGElement) && (st.display === 'inline' || st.display === 'contents')) continue;
      const mode = v => (v === 'hidden' || v === 'clip') ? 'clip' : (v === 'auto' || v === 'scroll') ? 'scroll' : null;
      const mx = mode(st.overflowX), my = mode(st.overflowY);
      if (!mx && !my) continue;
      const r = e.getBoundingClientRect();
      let box;
      if (isSvgViewport) box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      else {
        const left = r.left + e.clientLeft, top = r.top + e.clientTop;
        box = { left, top, right: left + e.clientWidth, bottom: top + e.clientHeight };
      }
      out.push({ el: e, box, x: mx, y: my });
    }
    return out;
  };
  const inter = (a, b) => {
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0 && h > 0 ? { w, h, area: w * h } : null;
  };

  // --- collect the visible texts ---------------------------------------------------------
  const items = []; // {node, el, text, px, rects}
  let scrolledAway = 0, hidden = 0;
  const fail = (kind, el, text, px, detail, extra) => {
    failures.push(Object.assign({ kind, text: short(text), px: px == null ? null : +px.toFixed(2), selector: selector(el), case: caseOf(el), detail }, extra || {}));
  };
  const seen = new Set();
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (seen.has(node) || !/\S/.test(node.data)) continue;
      seen.add(node);
      const el = node.parentElement;
      // An <option>'s text is the select's (checked below, with the inputs).
      if (!el || el.closest('select, datalist, option') || hiddenReason(el)) { hidden++; continue; }
      const range = document.createRange();
      range.selectNodeContents(node);
      let rects = [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0.5);
      if (rects.length === 0 && el instanceof SVGElement) {
        // Older engines give no Range rects for SVG text: the element's box stands in.
        const r = el.getBoundingClientRect();
        if (r.width > 0.5 && r.height > 0.5) rects = [r];
      }
      if (rects.length === 0) { hidden++; continue; }
      const st = cs(el);
      if (el instanceof SVGElement ? (noPaint(st.fill) && noPaint(st.stroke)) : alpha0(st.color)) { hidden++; continue; }
      rects = rects.map(r => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height }));
      const text = node.data;
      const px = drawnPx(el);
      // Clipping, from the innermost box out, each judging what the boxes inside it leave
      // visible: cut by a hidden/clip box, cut sideways by a scroller, or scrolled away out of
      // a vertical scroller (then the boxes outside it cannot be judged until it scrolls).
      let away = false, cutBy = null;
      const visible = [];
      for (const r of rects) {
        let v = { ...r }, gone = false;
        for (const c of clipBoxes(node)) {
          const outX = v.left < c.box.left - TOL || v.right > c.box.right + TOL;
          const outY = v.top < c.box.top - TOL || v.bottom > c.box.bottom + TOL;
          if (outY && c.y === 'scroll' && (v.bottom <= c.box.top + TOL || v.top >= c.box.bottom - TOL)) { gone = true; break; }
          if (outX && c.x === 'clip') cutBy = cutBy || { c, axis: 'x' };
          if (outX && c.x === 'scroll') cutBy = cutBy || { c, axis: 'x (scrolls sideways)' };
          if (outY && c.y === 'clip') cutBy = cutBy || { c, axis: 'y' };
          v = { left: Math.max(v.left, c.box.left), top: Math.max(v.top, c.box.top), right: Math.min(v.right, c.box.right), bottom: Math.min(v.bottom, c.box.bottom) };
        }
        if (gone) { away = true; continue; }
        if (v.right - v.left > 0.5 && v.bottom - v.top > 0.5) visible.push(v);
      }
      if (away && !visible.length && !cutBy) { scrolledAway++; continue; }
      const item = { node, el, text, px, rects: visible.length ? visible : [], all: rects };
      items.push(item);
      if (px < MIN - 0.01) fail('small', el, text, px, `${px.toFixed(2)} px < ${MIN} px`);
      if (cutBy) {
        const b = cutBy.c.box;
        fail('cut', el, text, px, `outside ${selector(cutBy.c.el)} (overflow ${cutBy.axis}; box ${b.left.toFixed(0)},${b.top.toFixed(0)}–${b.right.toFixed(0)},${b.bottom.toFixed(0)})`);
      }
      const sx = window.scrollX;
      if (rects.some(r => r.left + sx < -TOL || r.right + sx > vw + TOL)) fail('cut', el, text, px, `outside the viewport's width (${vw} px)`);
      if (/\S…|…\s*$/.test(text)) fail('cut', el, text, px, 'ends a word with “…” (truncated by the app)');
    }
  }

  // Inputs and selects show text that is not a text node.
  for (const root of roots) {
    for (const el of root.querySelectorAll('input:not([type=hidden]):not([type=range]):not([type=checkbox]):not([type=radio]):not([type=color]), select, textarea')) {
      if (hiddenReason(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      const text = el.tagName === 'SELECT' ? (el.selectedOptions[0] ? el.selectedOptions[0].text : '') : (el.value || el.placeholder || '');
      const px = drawnPx(el);
      items.push({ node: el, el, text: `[${el.tagName.toLowerCase()}] ${text}`, px, rects: [], all: [], control: true });
      if (px < MIN - 0.01) fail('small', el, `[${el.tagName.toLowerCase()}] ${text}`, px, `${px.toFixed(2)} px < ${MIN} px`);
    }
  }

  // Ellipsis boxes.
  for (const root of roots) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (el instanceof SVGElement) continue;
      const st = cs(el);
      if (st.textOverflow !== 'ellipsis' || st.overflowX === 'visible') continue;
      if (hiddenReason(el)) continue;
      if (el.scrollWidth > el.clientWidth + 0) fail('cut', el, el.textContent, parseFloat(st.fontSize) * htmlScale(el), `text-overflow: ellipsis, ${el.scrollWidth} px of text in ${el.clientWidth} px`);
    }
  }

  // The page itself.
  const sw = document.documentElement.scrollWidth;
  if (sw > vw + TOL) fail('cut', document.documentElement, `(the page)`, null, `the page is ${sw} px wide in a ${vw} px viewport: it scrolls sideways`);

  // --- overlaps ----------------------------------------------------------------------------
  const texts = items.filter(i => !i.control && i.rects.length);
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i], b = texts[j];
      let worst = null;
      for (const ra of a.rects) for (const rb of b.rects) {
        const x = inter(ra, rb);
        if (x && x.area > 1 && (!worst || x.area > worst.area)) worst = x;
      }
      if (worst) {
        fail('overlap', a.el, a.text, a.px, `overlaps “${short(b.text)}” (${selector(b.el)}) by ${worst.w.toFixed(1)}×${worst.h.toFixed(1)} px`, { other: selector(b.el), otherCase: caseOf(b.el) });
      }
    }
  }

  // --- covered -----------------------------------------------------------------------------
  const force = document.createElement('style');
  force.textContent = '*, *::before, *::after { pointer-events: auto !important; }';
  document.head.appendChild(force);
  const paintsNothing = e => {
    for (const a of ancestors(e)) if (parseFloat(cs(a).opacity) === 0) return true;
    const st = cs(e);
    if (e instanceof SVGElement) {
      if (e instanceof SVGSVGElement) return alpha0(st.backgroundColor) && st.backgroundImage === 'none';
      if (['image', 'use', 'foreignObject'].includes(e.tagName)) return false;
      return noPaint(st.fill) && noPaint(st.stroke);
    }
    if (['IMG', 'CANVAS', 'VIDEO', 'IFRAME', 'INPUT', 'SELECT', 'TEXTAREA', 'PROGRESS', 'METER', 'OBJECT', 'EMBED'].includes(e.tagName)) return false;
    const borders = ['Top', 'Right', 'Bottom', 'Left'].some(s => parseFloat(st[`border${s}Width`]) > 0 && !alpha0(st[`border${s}Color`]) && st[`border${s}Style`] !== 'none');
    return alpha0(st.backgroundColor) && st.backgroundImage === 'none' && !borders && st.boxShadow === 'none';
  };
  // Five points on every line of a text (its centre, near its left and right ends, above and
  // below its middle), so a box over half a word is found too; one report per text.
  const SPOTS = [[0.5, 0.5], [0.15, 0.5], [0.85, 0.5], [0.5, 0.2], [0.5, 0.8]];
  const probes = [];
  for (const t of texts) {
    for (const r of t.rects) {
      for (const [fx, fy] of SPOTS) {
        probes.push({ t, x: r.left + (r.right - r.left) * fx, docY: r.top + (r.bottom - r.top) * fy + window.scrollY });
      }
    }
  }
  probes.sort((p, q) => p.docY - q.docY);
  const startX = window.scrollX, startY = window.scrollY;
  const coveredTexts = new Set();
  for (const p of probes) {
    if (coveredTexts.has(p.t)) continue;
    let y = p.docY - window.scrollY;
    if (y < vh * 0.05 || y > vh * 0.6) {
      window.scrollTo(startX, Math.max(0, p.docY - vh * 0.4));
      y = p.docY - window.scrollY;
    }
    if (p.x < 0 || p.x >= vw || y < 0 || y >= vh) continue; // outside the viewport: reported as cut
    const stack = document.elementsFromPoint(p.x, y);
    const el = p.t.el;
    // Chromium does not hit-test every SVG text (the diagram's transformed labels, the
    // timeline's text under its transparent scrubber), so such a text is missing from the
    // stack. Then an element of its own SVG that comes before it in document order is painted
    // under it, not over it; anything else above the SVG still covers it.
    const svgRoot = el instanceof SVGElement ? (el.ownerSVGElement || el) : null;
    const hitTested = stack.some(e => e === el || el.contains(e));
    for (const top of stack) {
      if (top === el || el.contains(top) || top.contains(el)) break;
      if (paintsNothing(top)) continue;
      if (!hitTested && svgRoot && svgRoot.contains(top) && (top.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
      coveredTexts.add(p.t);
      fail('covered', el, p.t.text, p.t.px, `covered by ${selector(top)} at (${p.x.toFixed(0)}, ${(y + window.scrollY).toFixed(0)})`, { other: selector(top), otherCase: caseOf(top) });
      break;
    }
  }
  window.scrollTo(startX, startY);
  force.remove();

  // --- tap targets -------------------------------------------------------------------------
  let targetsChecked = 0;
  if (opts.targets) {
    for (const el of document.querySelectorAll('button, a[href], [role=button], input:not([type=hidden]), select, textarea, summary')) {
      if (hiddenReason(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      const boxes = clipBoxes(el).filter(c => c.x === 'clip' || c.y === 'clip');
      if (boxes.some(c => !inter(r, c.box))) continue; // clipped out of sight entirely
      targetsChecked++;
      if (r.width < TARGET - 0.5 || r.height < TARGET - 0.5) {
        const name = el.getAttribute('aria-label') || el.textContent || el.value || el.tagName;
        fail('target', el, name, null, `${r.width.toFixed(1)}×${r.height.toFixed(1)} px < ${TARGET}×${TARGET}`);
      }
    }
  }

  const sized = items.filter(i => Number.isFinite(i.px));
  const min = sized.reduce((m, i) => (m && m.px <= i.px ? m : i), null);
  // The smallest text of each region (the drawing, the side panels …).
  const regions = {};
  for (const sel of opts.regions || []) {
    const inside = sized.filter(i => i.el.closest && i.el.closest(sel));
    const m = inside.reduce((a, i) => (a && a.px <= i.px ? a : i), null);
    regions[sel] = { texts: inside.length, minPx: m ? +m.px.toFixed(2) : null };
  }
  return {
    regions,
    texts: items.length,
    minPx: min ? +min.px.toFixed(2) : null,
    minText: min ? short(min.text) : null,
    minSelector: min ? selector(min.el) : null,
    scrolledAway,
    hidden,
    targetsChecked,
    failures,
  };
}

// ---------------------------------------------------------------------------------------------
// Waiting for the app to stand still at the position.

async function waitReady(page, { embed, pos }) {
  await waitForPosition(page, { embed, pos });
  // Quiet: no DOM mutation for two consecutive animation frames (at most 300 frames).
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
    // Jump every CSS animation and transition to its end (an endless one to its start), so the
    // check sees the same frame on every run.
    for (const a of document.getAnimations()) {
      try {
        if (a.effect && a.effect.getComputedTiming().endTime === Infinity) { a.pause(); a.currentTime = 0; } else a.finish();
      } catch { /* a detached effect */ }
    }
  });
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const a = { selfTest: false, json: null, shots: null, only: [], targets: true, verbose: false, base: null };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--self-test') a.selfTest = true;
    else if (x === '--json') a.json = argv[++i];
    else if (x === '--screenshots') a.shots = argv[++i];
    else if (x === '--only') a.only.push(...argv[++i].split(',').filter(Boolean));
    else if (x === '--targets') a.targets = true;
    else if (x === '--no-targets') a.targets = false;
    else if (x === '--verbose' || x === '-v') a.verbose = true;
    else if (x === '-h' || x === '--help') { a.help = true; }
    else if (x.startsWith('-')) throw new Error(`unknown option ${x}`);
    else a.base = x;
  }
  return a;
}

function selected(only, c) {
  if (!only.length) return true;
  const cats = { viewport: [c.viewport, c.embed ? 'embed' : 'full'], shape: [c.shape], position: [c.position] };
  const known = { viewport: ['1280x800', '390x844', 'embed-800x440', 'embed', 'full', '800x440'], shape: SHAPES.map(s => s.name), position: POSITION_NAMES };
  if (c.embed) cats.viewport.push('800x440');
  for (const [cat, values] of Object.entries(cats)) {
    const asked = only.filter(t => known[cat].includes(t));
    if (asked.length && !asked.some(t => values.includes(t))) return false;
  }
  return true;
}

function printCase(r, verbose) {
  const head = `${r.viewport}  ${r.shape.padEnd(6)} ${r.position.padEnd(9)} pos=${r.pos}${r.f ? ` f=${r.f}` : ''}`;
  if (r.error) { console.log(`FAIL ${head}\n     error: ${r.error}`); return; }
  const byKind = {};
  for (const f of r.failures) byKind[f.kind] = (byKind[f.kind] || 0) + 1;
  const kinds = ['small', 'cut', 'overlap', 'covered', 'target', 'error'].map(k => `${k} ${byKind[k] || 0}`).join(', ');
  const regions = Object.entries(r.regions || {}).filter(([, v]) => v.texts).map(([k, v]) => `${k} ${v.minPx}`).join(', ');
  console.log(`${r.failures.length ? 'FAIL' : 'ok  '} ${head}\n     ${r.texts} texts, min ${r.minPx} px (“${r.minText}”; by region: ${regions}), ` +
    `${r.scrolledAway} scrolled away${r.targets ? `, ${r.targetsChecked} targets` : ''}; ${kinds}`);
  const shown = verbose ? r.failures : r.failures.slice(0, 40);
  for (const f of shown) {
    console.log(`       ${f.kind.padEnd(7)} “${f.text}”${f.px != null ? ` ${f.px} px` : ''} — ${f.detail}\n               at ${f.selector}`);
  }
  if (shown.length < r.failures.length) console.log(`       … and ${r.failures.length - shown.length} more (--verbose or --json for all)`);
}

/// One case: `setup` brings the page to its state, then the checker measures `roots` (and, with
/// `after`, the page is left as it should be for the next case); page errors and a setup that
/// throws become failures; with --screenshots the page is saved as `shot`. Printed, returned.
async function measureCase(page, r, errors, args, { setup, roots, regions, after, shot, fullPage }) {
  try {
    await setup();
    Object.assign(r, await page.evaluate(layoutCheck, { roots, regions, minPx: MIN_PX, targetPx: TARGET_PX, targets: r.targets }));
    if (after) await after();
    for (const e of errors) r.failures.push({ kind: 'error', text: e, px: null, selector: '(page)', detail: 'pageerror' });
  } catch (e) {
    r.error = e.message.split('\n')[0];
    r.failures = [{ kind: 'error', text: r.error, px: null, selector: '(page)', detail: 'not ready' }];
  }
  if (args.shots) {
    fs.mkdirSync(args.shots, { recursive: true });
    const file = path.join(args.shots, shot);
    await page.screenshot({ path: file, fullPage }).catch(() => {});
    r.screenshot = file;
  }
  printCase(r, args.verbose);
  return r;
}

async function runApp(browser, args) {
  const base = args.base.endsWith('/') || args.base.includes('?') ? args.base : args.base + '/';
  const results = [];
  const t0 = Date.now();
  for (const vp of [...VIEWPORTS, EMBED_VIEWPORT]) {
    if (args.only.length === 1 && args.only[0] === 'below') break;
    const cases = [];
    for (const shape of SHAPES) for (const position of POSITION_NAMES) {
      const c = { viewport: vp.name, embed: !!vp.embed, shape: shape.name, position, ...POSITIONS[shape.name][position] };
      if (selected(args.only, c)) cases.push({ c, shape });
    }
    if (!cases.length) continue;
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    let errors = [];
    page.on('pageerror', e => errors.push(e.message));
    for (const { c, shape } of cases) {
      errors = [];
      const url = caseUrl(base, shape, c.position, vp.embed);
      const r = { ...c, url, targets: args.targets && vp.targets };
      await measureCase(page, r, errors, args, {
        setup: async () => {
          await page.goto(url, { waitUntil: 'load' });
          await waitReady(page, { embed: vp.embed, pos: c.pos });
        },
        roots: vp.embed ? ['.embed'] : ['.app__stage', '.app__side'],
        regions: vp.embed ? ['.embed__stage', '.embed__head', '.embed__controls'] : ['.app__drawing', '.app__caption', '.legend-bar', '.app__side'],
        shot: `${vp.name}_${shape.name}_${c.position}.png`.replace(/\+/g, '_'),
        fullPage: !vp.embed,
      });
      results.push(r);
    }
    await context.close();
  }
  const failed = results.filter(r => r.failures.length);
  console.log(`\n${results.length} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${results.length - failed.length} pass, ${failed.length} fail`);
  return results;
}

// ---------------------------------------------------------------------------------------------
// Below the drawing: the whole page (drawing, side panels, timeline, space-time diagram and the
// seed sweep panel, open) in the states where the sweep and the violation marks show.

const VIOLATION_LINK = 'seed=1&voters=5&zk=3.9.3&f=265:w5,285:c1,305:w5,325:c4,345:w5,365:r4,411:c5,494:r1,594:w4&pos=608';
const BELOW_CASES = [
  // ZOOKEEPER-4925 stood at its broken check: the red rule, rings and ✗ lane labels.
  { name: 'violation', query: VIOLATION_LINK, pos: 608 },
  // ZOOKEEPER-2845, a bug older than every profile (its old code on 3.9.4, `bug=`), at its
  // broken check: the longest bug caption.
  { name: 'switch-bug', query: 'seed=81&voters=3&observers=0&zk=3.9.4&bug=ZOOKEEPER-2845&f=69:p3-2,69:w3,72:c3,73:h,113:w2,153:c1,173:r1&pos=206', pos: 206 },
  // The sweep panel open, idle.
  { name: 'sweep-idle', query: 'seed=1&voters=3&pos=75', pos: 75 },
  // A sweep under way (random faults on 3.9.4 over many seeds), read mid-run, then cancelled.
  { name: 'sweep-running', query: 'seed=1&voters=3&pos=75', pos: 75, sweep: { target: '3.9.4:3', from: 1, count: 100000, wait: 'running' } },
  // A sweep that found ZOOKEEPER-4646: the status names the seed and the check.
  { name: 'sweep-found', query: 'seed=1&voters=3&pos=75', pos: 75, sweep: { target: 'ZOOKEEPER-4646', from: 1, count: 1, wait: 'found' } },
];

async function runBelow(browser, args) {
  const base = args.base.endsWith('/') || args.base.includes('?') ? args.base : args.base + '/';
  const results = [];
  // --only: these cases run with no tokens or with the token "below".
  if (args.only.length && !args.only.includes('below')) return results;
  for (const vp of VIEWPORTS) {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    let errors = [];
    page.on('pageerror', e => errors.push(e.message));
    for (const c of BELOW_CASES) {
      errors = [];
      const url = `${base}${base.includes('?') ? '&' : '?'}${c.query}`;
      const r = { viewport: vp.name, shape: 'below', position: c.name, pos: c.pos, url, targets: args.targets && vp.targets };
      await measureCase(page, r, errors, args, {
        setup: async () => {
          await page.goto(url, { waitUntil: 'load' });
          await waitReady(page, { embed: false, pos: c.pos });
          await page.locator('.sweep__summary').scrollIntoViewIfNeeded();
          if (!(await page.$eval('.sweep', d => d.open))) await page.click('.sweep__summary');
          if (c.sweep) {
            await page.selectOption('.sweep__target', c.sweep.target);
            await page.fill('.sweep__from', String(c.sweep.from));
            await page.fill('.sweep__count', String(c.sweep.count));
            await page.click('.sweep__start');
            if (c.sweep.wait === 'running') {
              await page.waitForFunction(() => /\d+ of \d+ done, [\d.]+ seeds\/s/.test(document.querySelector('.sweep__status')?.textContent || ''), null, { timeout: 60000 });
            } else {
              await page.waitForSelector('.sweep__status--found', { timeout: 120000 });
              const m = /at event (\d+)/.exec(await page.textContent('.sweep__status'));
              if (!m) throw new Error(`the sweep's status names no event: ${await page.textContent('.sweep__status')}`);
              r.pos = Number(m[1]);
              await waitReady(page, { embed: false, pos: r.pos });
            }
          }
        },
        roots: ['.app__stage', '.app__side', '.app__below'],
        regions: ['.app__drawing', '.app__side', '.space-time', '.sweep'],
        after: c.sweep && c.sweep.wait === 'running' ? () => page.click('.sweep__cancel') : null,
        shot: `${vp.name}_below_${c.name}.png`,
        fullPage: true,
      });
      results.push(r);
    }
    await context.close();
  }
  const failed = results.filter(r => r.failures.length);
  console.log(`\n${results.length} below-the-drawing cases: ${results.length - failed.length} pass, ${failed.length} fail`);
  return results;
}

// ---------------------------------------------------------------------------------------------
// The self-test: a page with known faults; the checker must flag exactly those.

const SELF_TEST_HTML = `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; font: 14px/1.4 sans-serif; }
  #root { position: relative; width: 380px; padding: 4px; }
  .row { position: relative; height: 48px; margin: 2px 0; }
  .abs { position: absolute; top: 10px; white-space: nowrap; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
</style></head><body><div id="root">
  <div class="row" data-case="clean-label"><span>A clean 14 px label</span></div>
  <div class="row" data-case="clean-button"><button style="width:44px;height:44px;font-size:14px">OK</button></div>
  <div class="row" data-case="clean-hidden"><span class="sr">screen readers only, 8px</span><span style="display:none;font-size:8px">not rendered</span><span>visible</span><details style="display:inline"><summary style="display:inline-block;min-width:44px;min-height:44px">more</summary><span style="font-size:8px">closed details</span></details></div>
  <div class="row" data-case="clean-overlay"><span>under glass</span><div style="position:absolute;inset:0;background:transparent"></div></div>
  <div class="row" data-case="clean-scroll"><div style="height:44px;overflow:hidden"><div style="height:40px;overflow-y:auto;font-size:13px"><div>line one</div><div>line two</div><div>line three</div><div>line four</div></div></div></div>
  <div class="row" data-case="clean-svg"><svg width="200" height="40" viewBox="0 0 200 40"><rect width="200" height="40" fill="#eef"/><text x="4" y="24" font-size="14">svg at 14 px</text></svg></div>
  <div class="row" data-case="clean-more"><span>… 3 earlier</span></div>
  <div class="row" data-case="small"><span style="font-size:10px">ten px text</span></div>
  <div class="row" data-case="small-svg"><svg width="100" height="20" viewBox="0 0 200 40"><text x="4" y="24" font-size="16">viewBox halves me</text></svg></div>
  <div class="row" data-case="small-transform"><div style="transform:scale(0.5);transform-origin:0 0"><span style="font-size:16px">scaled to 8 px</span></div></div>
  <div class="row" data-case="small-svg-transform"><div style="transform:scale(0.5);transform-origin:0 0"><svg width="200" height="40" viewBox="0 0 200 40"><text x="4" y="24" font-size="16">a CSS scale halves me</text></svg></div></div>
  <div class="row" data-case="small-zoom"><div style="zoom:0.5"><span style="font-size:16px">zoomed to 8 px</span></div></div>
  <div class="row" data-case="overlap"><span class="abs" style="left:0">first label</span><span class="abs" style="left:40px">second label</span></div>
  <div class="row" data-case="ellipsis"><div style="width:80px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap">a long label that is cut off</div></div>
  <div class="row" data-case="clipped"><div style="width:60px;height:20px;overflow:hidden;white-space:nowrap">clipped without an ellipsis</div></div>
  <div class="row" data-case="truncated"><span>Leader.lea…</span></div>
  <div class="row" data-case="covered"><span>hidden under a card</span><div style="position:absolute;left:0;top:0;width:200px;height:40px;background:#fff;border:1px solid #999"></div></div>
  <div class="row" data-case="covered-half"><span style="position:absolute;top:4px">the lower half is under a panel</span><div style="position:absolute;left:0;top:16px;width:300px;height:30px;background:#fff;border-top:1px solid #999"></div></div>
  <div class="row" data-case="target"><button style="width:30px;height:30px;font-size:14px;padding:0">x</button></div>
</div></body></html>`;

// What each case must be flagged for (kinds), nothing else; a case not listed must be clean.
const SELF_TEST_EXPECT = {
  'clean-label': [], 'clean-button': [], 'clean-hidden': [], 'clean-overlay': [], 'clean-scroll': [],
  'clean-svg': [], 'clean-more': [],
  small: ['small'], 'small-svg': ['small'], 'small-transform': ['small'], 'small-svg-transform': ['small'],
  'small-zoom': ['small'],
  overlap: ['overlap'],
  ellipsis: ['cut'], clipped: ['cut'], truncated: ['cut'],
  covered: ['covered'], 'covered-half': ['covered'],
  target: ['target'],
};

async function selfTest(browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.setContent(SELF_TEST_HTML);
  await page.evaluate(() => document.fonts.ready);
  const r = await page.evaluate(layoutCheck, { roots: ['#root'], minPx: MIN_PX, targetPx: TARGET_PX, targets: true });
  await context.close();
  const got = {};
  for (const k of Object.keys(SELF_TEST_EXPECT)) got[k] = new Set();
  const stray = [];
  for (const f of r.failures) {
    for (const c of [f.case, f.otherCase].filter(Boolean)) {
      if (got[c]) got[c].add(f.kind); else stray.push(f);
    }
    if (!f.case) stray.push(f);
  }
  let ok = true;
  for (const [c, kinds] of Object.entries(SELF_TEST_EXPECT)) {
    const want = [...kinds].sort().join(','), have = [...got[c]].sort().join(',');
    const pass = want === have;
    ok = ok && pass;
    console.log(`  ${pass ? 'ok  ' : 'FAIL'} ${c.padEnd(20)} want [${want}] got [${have}]`);
  }
  for (const f of stray) { ok = false; console.log(`  FAIL stray ${f.kind}: “${f.text}” ${f.detail} at ${f.selector}`); }
  if (!ok) {
    console.log('  failures reported:');
    for (const f of r.failures) console.log(`    ${f.kind} [${f.case}] “${f.text}” ${f.px ?? ''} — ${f.detail}`);
  }
  console.log(`self-test: ${ok ? 'pass' : 'FAIL'} (${r.texts} texts, min ${r.minPx} px, ${r.failures.length} failures flagged)`);
  return ok;
}

(async () => {
  let args;
  try { args = parseArgs(process.argv.slice(2)); } catch (e) { console.error(e.message); process.exit(2); }
  if (args.help || (!args.base && !args.selfTest)) {
    console.log('usage: node scripts/check-layout.js [--self-test] [--json FILE] [--screenshots DIR] [--only TOKEN,…] [--no-targets] [--verbose] BASE_URL');
    console.log(`  --only tokens: viewports ${[...VIEWPORTS, EMBED_VIEWPORT].map(v => v.name).join(' ')} (or embed, full), shapes ${SHAPES.map(s => s.name).join(' ')}, positions ${POSITION_NAMES.join(' ')}; below (the sweep panel and a violation, below the drawing)`);
    process.exit(args.help ? 0 : 2);
  }
  const browser = await playwright.chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let ok = true;
  try {
    if (args.selfTest) ok = (await selfTest(browser)) && ok;
    if (args.base) {
      const results = [...await runApp(browser, args), ...await runBelow(browser, args)];
      if (args.json) fs.writeFileSync(args.json, JSON.stringify({ base: args.base, minPx: MIN_PX, targetPx: TARGET_PX, results }, null, 2));
      ok = ok && results.every(r => r.failures.length === 0);
    }
  } finally {
    await browser.close();
  }
  process.exit(ok ? 0 : 1);
})().catch(e => { console.error(e); process.exit(1); });
