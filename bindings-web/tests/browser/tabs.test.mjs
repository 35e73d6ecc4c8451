// Review finding 4 on the web: two tabs (two pages, two Wallet instances, two IndexedDbStores)
// on one IndexedDB database pay, settle and refund at the same time. Every payment either tab
// saw succeed is in the database, no sequence number is used twice, every voucher's ledger adds
// up, and the journal has no gaps. Without the package's Web Lock and refresh, each tab would
// pay from its own stale copy and overwrite the other's records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serve } from '../serve.mjs';
import { launch } from '../chromium.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OPS = 60;

test('two tabs on one IndexedDB lose and double nothing', async () => {
  const { server, url } = await serve(ROOT);
  const ctx = await launch();
  try {
    const pages = [await ctx.newPage(), await ctx.newPage()];
    const errors = [];
    for (const p of pages) {
      p.on('pageerror', (e) => errors.push(String(e)));
      await p.goto(`${url}/bindings-web/tests/browser/tabs.html`);
      await p.waitForFunction(() => window.tabs);
    }
    const me = await pages[0].evaluate(() => window.tabs.setup(12));
    assert.match(me, /^0x/);
    const [a, b] = await Promise.all(pages.map((p, tab) => p.evaluate(([t, n]) => window.tabs.run(t, n), [tab, OPS])));
    const sequences = [...a.sequences, ...b.sequences];
    assert.equal(new Set(sequences).size, sequences.length, `a sequence number was used twice: ${sequences}`);
    const check = await pages[1].evaluate((h) => window.tabs.check(h), [...a.hashes, ...b.hashes]);
    assert.ok(check.remainingOk, 'every voucher adds up');
    assert.equal(check.heldOrSettled, a.total + b.total, 'settled + reserved is exactly what both tabs paid');
    assert.deepEqual(check.status, check.status.map(() => 'pending'), 'every unsettled payment is there');
    assert.equal(check.reservations >= a.payments + b.payments, true, `${check.reservations} reservations for ${a.payments + b.payments} payments`);
    assert.deepEqual(check.journalSeq, check.journalSeq.map((_, i) => i), 'journal without gaps or repeats');
    assert.ok(a.payments > 20 && b.payments > 20, `${a.payments} and ${b.payments} payments`);
    assert.deepEqual(errors, []);
    console.log(`tabs: ${a.payments} + ${b.payments} payments, ${a.settled + b.settled} settled, ${a.refunded + b.refunded} refunds, sequences unique`);
  } finally {
    await ctx.close();
    server.close();
  }
});
