// Size budgets of the built app (fails the build when one is exceeded), and the precompressed
// .gz files the server sends to clients that accept gzip.
//   initial JavaScript (entry chunk + its static imports) <= 100 KB gzip
//   each lazily loaded chunk                               <=  60 KB gzip
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const KB = 1024;
const INITIAL_BUDGET = 100 * KB;
const LAZY_BUDGET = 60 * KB;
const dist = new URL('../dist/', import.meta.url).pathname;
const assets = join(dist, 'assets');

const gzSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (n) => (n / KB).toFixed(1) + ' KB';

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entryNames = [...html.matchAll(/<script[^>]+src="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
if (entryNames.length === 0) {
  console.error('check-budgets: no entry script in dist/index.html');
  process.exit(1);
}

// The initial set: the entries and every chunk they import statically (transitively).
const staticImports = (name) => {
  const text = readFileSync(join(assets, name), 'utf8');
  const found = new Set();
  for (const m of text.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w$*{}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g)) found.add(m[1]);
  return [...found];
};
const initial = new Set();
const queue = [...entryNames, ...preloads];
while (queue.length) {
  const n = queue.shift();
  if (initial.has(n)) continue;
  initial.add(n);
  queue.push(...staticImports(n));
}

const jsFiles = readdirSync(assets).filter((f) => f.endsWith('.js'));
let failed = false;
let initialTotal = 0;
const lines = [];
for (const f of jsFiles.sort()) {
  const size = gzSize(join(assets, f));
  if (initial.has(f)) {
    initialTotal += size;
    lines.push(`  initial  ${kb(size).padStart(9)}  ${f}`);
  } else {
    const over = size > LAZY_BUDGET;
    failed ||= over;
    lines.push(`  lazy     ${kb(size).padStart(9)}  ${f}${over ? `  OVER ${kb(LAZY_BUDGET)}` : ''}`);
  }
}
console.log('Web app sizes (gzip -9):');
console.log(lines.join('\n'));
console.log(`  initial JavaScript total ${kb(initialTotal)} (budget ${kb(INITIAL_BUDGET)}); lazy chunks budget ${kb(LAZY_BUDGET)} each`);
if (initialTotal > INITIAL_BUDGET) {
  console.error(`check-budgets: initial JavaScript ${kb(initialTotal)} exceeds ${kb(INITIAL_BUDGET)}`);
  failed = true;
}
if (failed) {
  console.error('check-budgets: a size budget is exceeded');
  process.exit(1);
}

// Precompressed copies for the server (it serves <file>.gz to clients accepting gzip).
const compressible = (f) => /\.(js|css|html|svg|json|webmanifest)$/.test(f);
for (const dir of [dist, assets]) {
  for (const f of readdirSync(dir)) {
    if (!compressible(f)) continue;
    const p = join(dir, f);
    writeFileSync(p + '.gz', gzipSync(readFileSync(p), { level: 9 }));
  }
}
