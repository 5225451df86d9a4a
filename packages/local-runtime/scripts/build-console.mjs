// Builds the local console's page into dist/console-web with esbuild: one minified script (the
// app and dagre, no CDN, works offline), the stylesheet and the HTML. Records the bytes in
// dist/console-web/bundle-size.json.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const out = new URL('dist/console-web/', root);
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [new URL('console-web/src/main.ts', root).pathname],
  outfile: new URL('app.js', out).pathname,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
});
await build({ entryPoints: [new URL('console-web/app.css', root).pathname], outfile: new URL('app.css', out).pathname, minify: true, logLevel: 'warning' });
copyFileSync(new URL('console-web/index.html', root), new URL('index.html', out));
const sizes = Object.fromEntries(
  ['index.html', 'app.js', 'app.css'].map((file) => {
    const bytes = readFileSync(new URL(file, out));
    return [file, { bytes: bytes.length, gzip: gzipSync(bytes).length }];
  }),
);
writeFileSync(new URL('bundle-size.json', out), `${JSON.stringify(sizes, null, 2)}\n`);
console.log(`console-web: ${Object.entries(sizes).map(([f, s]) => `${f} ${s.bytes} B (${s.gzip} B gzip)`).join(', ')}`);
