// Trunk post_build hook (Trunk.toml): give every page in the build its Content-Security-Policy.
//
//   TRUNK_STAGING_DIR=dist node scripts/csp-hash.js        (Trunk sets the variable itself)
//   node scripts/csp-hash.js DIR                            (or name the directory)
//
// Each .html page under the directory must carry
//   <meta http-equiv="Content-Security-Policy" content="…; script-src 'self' 'wasm-unsafe-eval'; …">
// in its source (index.html, www/guide/index.html, www/embed-example.html). This script hashes
// every inline <script> of the page as built — Trunk's module loader, and in `trunk serve` its
// reload script — and writes those sha256 sources into the page's script-src, replacing any it
// wrote before, so the policy allows exactly the inline code that is there and nothing else.
//
// It fails (exit 1, naming the page) when a page has no policy, when its policy has no
// script-src, or when the page has a <style> element or a style="" attribute: the policy's
// style-src is 'self' alone, so the browser would refuse them.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp-hash: give the build directory (or run as a Trunk hook, which sets TRUNK_STAGING_DIR)');
  process.exit(2);
}

function pages(d) {
  const out = [];
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) out.push(...pages(p));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out;
}

const META = /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=(["'])([\s\S]*?)\1\s*\/?>/i;
// Inline scripts: a <script> start tag without a src attribute, and its text.
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

let failed = false;
const fail = (page, why) => {
  console.error(`csp-hash: ${page}: ${why}`);
  failed = true;
};

for (const page of pages(dir)) {
  const rel = path.relative(dir, page);
  let html = fs.readFileSync(page, 'utf8');
  const meta = html.match(META);
  if (!meta) {
    fail(rel, 'no <meta http-equiv="Content-Security-Policy" content="…"> (every served page needs one)');
    continue;
  }
  // Markup only: comments and script text may mention "<style" harmlessly.
  const markup = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<script\b[\s\S]*?<\/script\s*>/gi, '');
  if (/<style\b/i.test(markup)) fail(rel, "a <style> element: style-src is 'self' only; move it to a stylesheet");
  if (/<[a-z][^>]*\sstyle\s*=/i.test(markup)) {
    fail(rel, "a style=\"\" attribute: style-src is 'self' only; use a class");
  }
  const hashes = [];
  for (const m of html.matchAll(SCRIPT)) {
    if (/\ssrc\s*=/i.test(m[1])) continue;
    const digest = crypto.createHash('sha256').update(m[2], 'utf8').digest('base64');
    hashes.push(`'sha256-${digest}'`);
  }
  const directives = meta[2].split(';').map((d) => d.trim()).filter(Boolean);
  const at = directives.findIndex((d) => /^script-src\s/.test(d));
  if (at < 0) {
    fail(rel, 'its policy has no script-src');
    continue;
  }
  const kept = directives[at].split(/\s+/).filter((t) => !/^'sha(256|384|512)-/.test(t));
  directives[at] = [...kept, ...new Set(hashes)].join(' ');
  const policy = directives.join('; ');
  const q = meta[1];
  html = html.replace(META, `<meta http-equiv="Content-Security-Policy" content=${q}${policy}${q}>`);
  fs.writeFileSync(page, html);
  console.log(`csp-hash: ${rel}: ${hashes.length} inline script(s) hashed`);
}
process.exit(failed ? 1 : 0);
