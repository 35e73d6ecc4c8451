// The web demo wallet walked in headless Chromium, as a citizen would: create, receive vouchers,
// pay across two vouchers, a refused café, reload and reopen from IndexedDB. Screenshots go to
// target/demo-screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../serve.mjs';
import { launch } from '../chromium.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHOTS = join(ROOT, 'target', 'demo-screenshots');

test('the demo wallet journey in Chromium', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { server, url } = await serve(ROOT);
  const ctx = await launch({ viewport: { width: 1100, height: 1400 } });
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}/bindings-web/demo/`);
    await page.waitForSelector('body[data-ready="yes"]');

    await page.fill('#create-pin', '246810');
    await page.click('#create-form button');
    await page.waitForSelector('#app:not([hidden])');
    assert.match(await page.textContent('#phrase'), /Recovery phrase/);

    await page.click('#receive-vouchers');
    await page.waitForFunction(() => document.querySelector('#total')?.dataset.spendable === '50000');
    assert.equal(await page.locator('#voucher-cards .card').count(), 2);

    await page.click('#scan-grocery');
    await page.waitForSelector('#pay');
    await page.click('#pay');
    await page.waitForSelector('[data-result="paid"]');
    await page.waitForFunction(() => document.querySelector('#total')?.dataset.spendable === '8000');
    await page.screenshot({ path: join(SHOTS, 'demo-paid.png'), fullPage: true });

    await page.click('#scan-cafe');
    await page.waitForSelector('[data-result="refused"]');
    assert.match(await page.textContent('#quote'), /cannot be used at this kind of shop/);

    // Reload: the wallet reopens from IndexedDB with the PIN, vouchers intact.
    await page.reload();
    await page.waitForSelector('body[data-ready="yes"]');
    await page.fill('#open-pin', '000000');
    await page.click('#open-form button');
    await page.waitForFunction(() => document.querySelector('#open-error')?.textContent.includes('9 attempts left'));
    await page.fill('#open-pin', '246810');
    await page.click('#open-form button');
    await page.waitForFunction(() => document.querySelector('#total')?.dataset.spendable === '8000');
    await page.screenshot({ path: join(SHOTS, 'demo-reopened.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    server.close();
  }
});
