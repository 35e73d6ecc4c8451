// Vouchers and tickets settled on chain from JavaScript, against anvil through EvmProvider
// (fetch), with ethers (independent of jigap) reading the contracts' state and events back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { jigap, testOf } from './package.mjs';
import { startAnvil, contract } from './anvil.mjs';

const { Wallet, MemoryStore, EvmWallet, EvmProvider, Vouchers, MerchantDesk, VoucherIssuer } = jigap;
const FAST = jigap.kdfFastInsecure();
const now = Math.floor(Date.now() / 1000);

let node;
let provider;
before(async () => { node = await startAnvil(); provider = new EvmProvider(node.url); });
after(async () => node?.stop());

async function party() {
  const w = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const me = (await w.account(0)).address;
  await node.rpc('anvil_setBalance', [me, '0x56bc75e2d63100000']);
  return { w, me, evm: new EvmWallet(w, 31337) };
}

async function send(p, intent) {
  const flow = p.evm.sendFlow(intent);
  await provider.prepare(flow);
  const signed = await provider.submit(flow);
  return provider.waitForReceipt(p.evm, signed.hash, { pollMs: 20, timeoutMs: 20_000 });
}

const call = (p, to, data) => send(p, { from: p.me, to, data });

async function deployToken(p) {
  const t = contract('TestToken');
  const r = await call(p, null, t.bytecode + jigap.abiEncode(['uint256'], ['1000000000']).slice(2));
  return r.contractAddress;
}

test('a voucher paid offline settles on the pool and the wallet syncs from the chain', async () => {
  const [city, shop, citizen] = [await party(), await party(), await party()];
  const token = await deployToken(city);
  const pool = (await call(city, null, jigap.voucherPoolDeployData(contract('VoucherPool').bytecode, token, 'KRW', 1))).contractAddress;
  await call(city, token, jigap.erc20ApproveData(pool, '100000'));
  await call(city, pool, jigap.voucherPoolFundCall(100_000));
  await call(city, pool, jigap.voucherPoolSetMerchantsCall([{ merchant: shop.me, category: 5411, region: 'KR-11', active: true }]));
  const domain = { chainId: 31337, verifyingContract: pool };
  const grant = await new VoucherIssuer(city.w, city.me, domain).grant({
    holder: citizen.me, amount: 50_000, currency: 'KRW', validFrom: now - 60, validUntil: now + 30 * 86_400, categories: [5411],
  });
  await call(city, pool, jigap.voucherPoolRegisterCall([grant]));
  const vouchers = new Vouchers(citizen.w, domain);
  await vouchers.setTrustedIssuers([{ address: city.me, name: 'Seoul', currency: 'KRW' }]);
  const { id } = await vouchers.importGrant(grant);
  assert.ok((await provider.voucherChainState(vouchers))[0].inStep);

  const desk = new MerchantDesk(shop.w, shop.me, 'Mangwon Market', 5411, 'KR-11', [city.me], domain);
  const request = await desk.createRequest(30_000, 'KRW', 600);
  const payment = await vouchers.pay(request.qr);
  await desk.accept(request.qr, payment.qr);
  const receipt = await send(shop, await desk.redeemOnchain(request.qr, payment.qr));
  assert.ok(receipt.gasUsed < 150_000, `one-voucher redemption: ${receipt.gasUsed} gas`);
  const settlement = await desk.settlement(receipt);
  assert.equal(settlement.settled[0].kind, 'redeemed');
  assert.equal(settlement.settled[0].total, 30_000);
  assert.equal(settlement.settled[0].redemptionHash, payment.redemptionHash);

  const sync = await provider.syncVouchers(vouchers);
  assert.equal(sync.settled, 1);
  assert.equal((await vouchers.balances())[0].spendable, 20_000);

  // ethers reads the same state and decodes the event jigap applied.
  const p = new ethers.Contract(pool, contract('VoucherPool').abi, new ethers.JsonRpcProvider(node.url));
  const v = await p.vouchers(id);
  assert.equal(v.remaining, 20_000n);
  assert.equal(v.spent, 30_000n);
  const spent = await p.queryFilter(p.filters.VoucherSpent(id));
  assert.equal(spent.length, 1);
  assert.equal(spent[0].args.redemptionHash, payment.redemptionHash);
  assert.deepEqual(jigap.voucherPoolEvents(pool, receipt).map((e) => e.kind), ['voucherSpent', 'redeemed']);

  // Shown again, the contract refuses it with the reason decoded.
  await assert.rejects(send(shop, await desk.redeemOnchain(request.qr, payment.qr)), (e) => e.kind === 'Refused' && /AlreadyRedeemed\(/.test(e.message));
});

testOf('tickets')('a ticket resold within its cap on chain: the seller\'s wallet sees it gone, the gate checks it in', async () => {
  const { Tickets, TicketIssuer } = jigap;
  const [issuer, seller, buyer, gate] = [await party(), await party(), await party(), await party()];
  const token = await deployToken(issuer);
  await call(issuer, token, jigap.erc20TransferData(buyer.me, '100000'));
  const c = (await call(issuer, null, jigap.ticketTokenDeployData(contract('TicketToken').bytecode, 'Winter', 'WNTR', token, 'KRW', 1))).contractAddress;
  const ti = new TicketIssuer(issuer.w, issuer.me);
  const tickets = new Tickets(seller.w);
  await tickets.trustIssuer(await ti.identity());
  const event = { id: 'WNTR-1', name: 'Winter concert', venue: 'KSPO Dome', doorsOpen: now - 3600, start: now, end: now + 7200 };
  const grant = await ti.grant(await tickets.holderId(seller.me), {
    chainId: 31337, contract: c, tokenId: '7', event, seat: { generalAdmission: false, section: 'A', row: '1', number: '7' },
    tier: 'R', policy: { transferable: true, currency: 'KRW', priceCap: 80_000, maxTransfers: 1 },
  });
  await call(issuer, c, jigap.ticketMintCall([grant]));
  const { ticket } = await tickets.importGrant(grant);

  await assert.rejects(tickets.resaleListing(ticket.id, 80_001), (e) => e.kind === 'LimitExceeded');
  await call(seller, c, await tickets.resaleListing(ticket.id, 80_000));
  await call(buyer, token, jigap.erc20ApproveData(c, '80000'));
  const bt = new Tickets(buyer.w);
  await bt.trustIssuer(await ti.identity());
  const bought = await call(buyer, c, await bt.buyResaleCall(ticket.id, buyer.me));
  const resold = jigap.ticketChainEvents(c, bought).find((e) => e.kind === 'resold');
  assert.equal(resold.price, 80_000);
  const synced = await jigap.syncTicketsWithChain(provider, tickets);
  assert.equal(synced[0].changed, true);
  assert.equal((await tickets.list())[0].status, 'Void');
  await bt.importGrant(await ti.reissueAfterResale(grant, resold));

  await call(issuer, c, jigap.ticketSetGateCall(gate.me, true));
  await call(gate, c, jigap.abiEncodeCall('checkIn(uint256[])', [['7']]));
  const [state] = await jigap.ticketChainState(provider, [ticket.id]);
  assert.equal(state.status, 'Redeemed');
  assert.equal(state.locked, true);
  const t = new ethers.Contract(c, contract('TicketToken').abi, new ethers.JsonRpcProvider(node.url));
  assert.equal((await t.ownerOf(7)).toLowerCase(), buyer.me.toLowerCase());
  assert.equal(await t.locked(7), true);
});
