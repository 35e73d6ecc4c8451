// Headless Chromium (Debian's) driven by playwright-core: create a wallet in a page served on
// localhost, reload, reopen it from IndexedDB with the PIN and sign.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { serve } from '../serve.mjs';
import { launch } from '../chromium.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIL = JSON.parse(await readFile(new URL('../../../tests/vectors/eip712-mail.json', import.meta.url), 'utf8'));

test('wallet survives a page reload in IndexedDB and signs in Chromium', async () => {
  const { server, url } = await serve(ROOT);
  const ctx = await launch();
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}/bindings-web/tests/browser/index.html`);
    await page.waitForFunction(() => window.jigapTest);
    const created = await page.evaluate(() => window.jigapTest.create('246810'));
    assert.match(created.address, /^0x[0-9a-fA-F]{40}$/);

    await page.reload();
    await page.waitForFunction(() => window.jigapTest);
    assert.equal(await page.evaluate(() => window.jigapTest.wrongPin('000000')), 'WrongPin: wrong PIN: 9 attempts left');

    await page.reload();
    await page.waitForFunction(() => window.jigapTest);
    const signed = await page.evaluate((td) => window.jigapTest.openAndSign('246810', td), MAIL.typed_data);
    assert.equal(signed.attemptsBefore, 9, 'the wrong-PIN counter survived the reload');
    assert.equal(signed.address, created.address);
    assert.equal(signed.recovered, created.address);
    assert.equal(signed.digest, MAIL.digest);
    const { EIP712Domain, ...types } = MAIL.typed_data.types;
    assert.equal(ethers.verifyTypedData(MAIL.typed_data.domain, types, MAIL.typed_data.message, signed.signature), created.address);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    server.close();
  }
});
