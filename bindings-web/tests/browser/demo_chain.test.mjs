// The web demo's on-chain mode in headless Chromium: the page, given `?rpc=` of a node (anvil on
// loopback), deploys a deposit token and a VoucherPool, pays a shop offline, redeems on chain and
// syncs the wallet; then ethers (independent of jigap) reads the pool's state from the node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { serve } from '../serve.mjs';
import { launch } from '../chromium.mjs';
import { startAnvil, contract } from '../node/anvil.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('the demo wallet settles a voucher payment on chain', async () => {
  contract('VoucherPool'); // compiled into target/contracts, which the page fetches
  const node = await startAnvil();
  const { server, url } = await serve(ROOT);
  const ctx = await launch({ viewport: { width: 1100, height: 1400 } });
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}/bindings-web/demo/?rpc=${encodeURIComponent(node.url)}`);
    await page.waitForSelector('body[data-ready="yes"]');
    await page.fill('#create-pin', '246810');
    await page.click('#create-form button');
    await page.waitForSelector('#chain:not([hidden])');
    await page.click('#settle-on-chain');
    await page.waitForSelector('#chain-steps[data-done]', { timeout: 60_000 });
    const steps = await page.locator('#chain-steps li').allTextContents();
    assert.equal(await page.getAttribute('#chain-steps', 'data-done'), 'yes', steps.join('\n'));
    assert.equal(steps.length, 6);
    assert.match(steps[5], /1 payment settled, ₩20,000 left .*in step/);
    const chain = await page.evaluate(() => window.jigapDemo.chain);
    assert.equal(chain.spendable, 20000);
    const abi = JSON.parse(readFileSync(join(ROOT, 'target/contracts/VoucherPool.json'), 'utf8')).abi;
    const pool = new ethers.Contract(chain.pool, abi, new ethers.JsonRpcProvider(node.url));
    const [outstanding, unallocated, balance] = await pool.solvency();
    assert.deepEqual([outstanding, unallocated, balance], [20000n, 50000n, 70000n]);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    server.close();
    await node.stop();
  }
});
