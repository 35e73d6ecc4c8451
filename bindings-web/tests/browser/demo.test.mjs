// The web demo wallet walked in headless Chromium, as a citizen would: create, receive vouchers,
// pay across two vouchers, a refused café, a concert ticket whose QR rotates (the page's clock is
// Playwright's, moved forward), the gate admitting once, a badge and a licence presented with two
// claims chosen, reload and reopen from IndexedDB. Screenshots go to target/demo-screenshots/.
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
    await page.clock.install(); // time flows, and the test can jump it forward
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

    // A concert ticket: its pass QR rotates every 15 s with a countdown.
    await page.click('#receive-ticket');
    await page.waitForSelector('#pass-qr svg');
    assert.match(await page.textContent('#countdown'), /New code in \d+ s/);
    const first = await page.getAttribute('#pass-qr', 'data-pass');
    const firstWindow = Number(await page.getAttribute('#pass-qr', 'data-window'));
    await page.screenshot({ path: join(SHOTS, 'demo-ticket.png'), fullPage: true });
    // An independent QR reader (jsQR) decodes the SVG on screen back to the pass string.
    await page.addScriptTag({ url: `${url}/node_modules/jsqr/dist/jsQR.js` });
    const decoded = await page.evaluate(async () => {
      const img = new Image();
      img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(document.querySelector('#pass-qr svg').outerHTML);
      await img.decode();
      const size = 640;
      const canvas = Object.assign(document.createElement('canvas'), { width: size, height: size });
      const g = canvas.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, size, size);
      g.drawImage(img, 0, 0, size, size);
      return window.jsQR(g.getImageData(0, 0, size, size).data, size, size)?.data ?? null;
    });
    assert.equal(decoded, first, 'the QR code on screen carries the pass');
    await page.clock.fastForward(16000);
    await page.waitForFunction((w) => Number(document.querySelector('#pass-qr')?.dataset.window) > w, firstWindow);
    const second = await page.getAttribute('#pass-qr', 'data-pass');
    assert.notEqual(second, first, 'a new pass after the window changed');
    assert.ok(second.startsWith('JGTP:'));
    // Two windows later the first pass is stale at the gate.
    await page.clock.fastForward(31000);
    await page.waitForFunction((w) => Number(document.querySelector('#pass-qr')?.dataset.window) >= w + 3, firstWindow);
    const stale = await page.evaluate(async (p) => {
      try { await window.jigapDemo.svc.gate.verify(p); return 'admitted'; } catch (e) { return `${e.kind}: ${e.message}`; }
    }, first);
    assert.match(stale, /window/i);

    // A training badge and a drone licence; only the category and expiry go to the inspector.
    await page.click('#receive-credentials');
    await page.waitForSelector('[data-credential="licence"]');
    assert.match(await page.textContent('[data-credential="badge"]'), /Industrial Electrician/);
    await page.check('input[name="disclose"][value="category"]');
    await page.check('input[name="disclose"][value="expiry_date"]');
    await page.click('#present-button');
    await page.waitForSelector('#verifier-result [data-result="verified"]');
    assert.equal(await page.getAttribute('[data-result="verified"]', 'data-claims'), 'category,expiry_date');
    const keys = (await page.getAttribute('[data-result="verified"]', 'data-keys')).split(',');
    for (const hidden of ['given_name', 'family_name', 'birthdate', 'licence_number']) assert.ok(!keys.includes(hidden), `${hidden} stays hidden`);
    assert.match(await page.textContent('dl.disclosed'), /Class 2/);
    // The README's picture: vouchers spent, the ticket's live pass, the licence shown to the inspector.
    await page.screenshot({ path: join(SHOTS, 'demo.png'), fullPage: true });

    // The current pass is admitted once; the same pass again is refused.
    await page.click('#scan-ticket');
    await page.waitForSelector('#gate-result [data-result="admitted"]');
    assert.match(await page.textContent('#gate-result'), /seat 7|B-12-7|12/);
    await page.waitForSelector('#ticket-cards [data-state="used"]');
    await page.click('#scan-ticket-again');
    await page.waitForSelector('#gate-result [data-result="refused"]');
    assert.match(await page.textContent('#gate-result'), /already entered/i);
    await page.screenshot({ path: join(SHOTS, 'demo-entered.png'), fullPage: true });

    // Reload: the wallet reopens from IndexedDB with the PIN, vouchers intact.
    await page.reload();
    await page.waitForSelector('body[data-ready="yes"]');
    await page.fill('#open-pin', '000000');
    await page.click('#open-form button');
    await page.waitForFunction(() => document.querySelector('#open-error')?.textContent.includes('9 attempts left'));
    await page.fill('#open-pin', '246810');
    await page.click('#open-form button');
    await page.waitForFunction(() => document.querySelector('#total')?.dataset.spendable === '8000');
    await page.waitForSelector('#ticket-cards [data-state="used"]');
    assert.equal(await page.locator('#credential-cards .card').count(), 2);
    await page.screenshot({ path: join(SHOTS, 'demo-reopened.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    server.close();
  }
});
