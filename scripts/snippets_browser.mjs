// Run README JavaScript blocks that need a browser (IndexedDB) in headless Chromium.
// Usage: node scripts/snippets_browser.mjs target/snippets/js/snippetN.html …  (from the repo root)
import { fileURLToPath } from 'node:url';
import { serve } from '../bindings-web/tests/serve.mjs';
import { launch } from '../bindings-web/tests/chromium.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { server, url } = await serve(ROOT);
const ctx = await launch();
let failed = 0;
try {
  for (const page of process.argv.slice(2)) {
    const p = await ctx.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e?.stack ?? e)));
    p.on('dialog', (d) => d.dismiss());   // the quickstart alerts the wrong-PIN message
    await p.goto(`${url}/${page}`);
    try {
      await p.waitForFunction(() => globalThis.__snippetDone || globalThis.__snippetError, null, { timeout: 120_000 });
    } catch (e) {
      errors.push(`timed out: ${e.message}`);
    }
    const error = await p.evaluate(() => globalThis.__snippetError).catch(() => undefined);
    if (error) errors.push(error);
    if (errors.length) {
      failed++;
      console.error(`FAIL ${page}\n  ${errors.join('\n  ')}`);
    } else {
      console.log(`ok ${page} (Chromium)`);
    }
    await p.close();
  }
} finally {
  await ctx.close();
  server.close();
}
process.exit(failed ? 1 : 0);
