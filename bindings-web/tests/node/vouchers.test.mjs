// Voucher flows from JavaScript: import, quote, pay, settle, reject, refund, history — and the
// redemption signature checked by ethers (an independent EIP-712 implementation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { jigap } from './package.mjs';

const { Wallet, MemoryStore, Vouchers, MerchantDesk, VoucherIssuer } = jigap;
const FAST = jigap.kdfFastInsecure();
const now = Math.floor(Date.now() / 1000);

async function setup() {
  const citizen = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const me = (await citizen.account(0)).address;
  const issuers = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const cityAddress = (await issuers.account(0)).address;
  const bankAddress = (await issuers.addAccount()).address;
  const city = new VoucherIssuer(issuers, cityAddress);
  const bank = new VoucherIssuer(issuers, bankAddress);
  const vouchers = new Vouchers(citizen);
  await vouchers.setTrustedIssuers([
    { address: cityAddress, name: 'Seoul welfare', currency: 'KRW', holdingCap: 500000, offlineAllowance: 200000 },
    { address: bankAddress, name: 'Bank of Korea', currency: 'KRW' },
  ]);
  const shops = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const trustedIssuers = [cityAddress, bankAddress];
  const grocery = new MerchantDesk(shops, (await shops.account(0)).address, '행복마트', 5411, 'KR-11', trustedIssuers);
  const cafe = new MerchantDesk(shops, (await shops.addAccount()).address, 'Café Bom', 5814, 'KR-11', trustedIssuers);
  const welfare = (amount, days) => city.grant({ holder: me, amount, currency: 'KRW', validFrom: now - 60, validUntil: now + days * 86400, categories: [5411], regions: ['KR-11'] });
  const cbdc = (amount, days) => bank.grant({ holder: me, amount, currency: 'KRW', validFrom: now - 60, validUntil: now + days * 86400 });
  return { citizen, me, city, bank, vouchers, grocery, cafe, welfare, cbdc };
}

test('import, quote, pay across two vouchers, settle, refund, history', async () => {
  const s = await setup();
  const welfare = await s.vouchers.importGrant(await s.welfare(30000, 30));
  const cbdc = await s.vouchers.importGrant(await s.cbdc(20000, 365));
  assert.equal((await s.vouchers.balances())[0].spendable, 50000);

  const request = await s.grocery.createRequest(45000, 'KRW', 120);
  const quote = await s.vouchers.quote(request.qr);
  assert.equal(quote.payable, true);
  assert.deepEqual(quote.allocations, [{ voucherId: welfare.id, amount: 30000 }, { voucherId: cbdc.id, amount: 15000 }]);
  const payment = await s.vouchers.pay(request.qr);
  assert.equal((await s.vouchers.pay(request.qr)).repeated, true);
  assert.equal((await s.vouchers.balances())[0].spendable, 5000);

  const accepted = await s.grocery.accept(request.qr, payment.qr);
  assert.equal(accepted.total, 45000);
  await assert.rejects(s.grocery.accept(request.qr, payment.qr), (e) => e.kind === 'Refused' && e.message.includes('already used'));

  assert.deepEqual(await s.vouchers.applySettlement(await s.city.settle(payment.qr)), { kind: 'settled' });
  const bankSettlement = await s.bank.settle(payment.qr);
  assert.deepEqual(await s.vouchers.applySettlement(bankSettlement), { kind: 'settled' });
  assert.deepEqual(await s.vouchers.applySettlement(bankSettlement), { kind: 'already_applied' });
  const refund = await s.bank.refund(cbdc.id, 4000);
  assert.equal(await s.vouchers.applyRefund(refund), true);
  assert.equal(await s.vouchers.applyRefund(refund), false);
  assert.equal((await s.vouchers.voucher(cbdc.id)).remaining, 9000);
  const history = await s.vouchers.history(cbdc.id);
  assert.deepEqual(history.map((e) => e.kind), ['imported', 'reserved', 'settled', 'refunded']);
});

test('a rejected settlement releases; refusals say why', async () => {
  const s = await setup();
  await s.vouchers.importGrant(await s.welfare(30000, 30));
  await s.vouchers.importGrant(await s.cbdc(1000, 30));
  const cafe = await s.cafe.createRequest(3000, 'KRW', 60);
  const q = await s.vouchers.quote(cafe.qr);
  assert.equal(q.payable, false);
  assert.equal(q.missing, 2000);
  assert.equal(q.unusable[0].reason, 'category');
  await assert.rejects(s.vouchers.pay(cafe.qr), (e) => e.kind === 'CannotPay' && e.message.includes('cannot be used at this kind of shop'));
  const small = await s.cafe.createRequest(800, 'KRW', 60);
  const p = await s.vouchers.pay(small.qr);
  assert.deepEqual(await s.vouchers.applySettlement(await s.bank.settle(p.qr, 'merchant not registered')), { kind: 'rejected' });
  assert.equal((await s.vouchers.history()).at(-1).note, 'merchant not registered');
  await assert.rejects(s.vouchers.importGrant('JGVG:GARBAGE'), { kind: 'InvalidInput' });
  await assert.rejects(s.vouchers.importGrant(await s.welfare(480000, 30)), (e) => e.kind === 'LimitExceeded' && e.message.includes('holding cap'));
});

test('ethers verifies the EIP-712 redemption the wallet signed', async () => {
  const s = await setup();
  await s.vouchers.importGrant(await s.cbdc(20000, 30));
  const request = await s.grocery.createRequest(12345, 'KRW', 120);
  const payment = await s.vouchers.pay(request.qr);
  const typedData = JSON.parse(payment.typedDataJson);
  const { EIP712Domain, ...types } = typedData.types;
  assert.deepEqual(Object.keys(types).sort(), ['Allocation', 'Redemption']);
  assert.equal(ethers.TypedDataEncoder.hash(typedData.domain, types, typedData.message), payment.redemptionHash);
  assert.equal(ethers.verifyTypedData(typedData.domain, types, typedData.message, payment.signature), s.me);
  assert.equal(jigap.recoverTypedDataSigner(payment.typedDataJson, payment.signature), s.me);
});

test('the issuer finds a double spend from a cloned wallet', async () => {
  const s = await setup();
  const v = await s.vouchers.importGrant(await s.cbdc(10000, 30));
  const backup = await s.citizen.backup('123456');
  const clone = await Wallet.restoreBackup(new MemoryStore(), backup.bytes, backup.code, '123456', { kdf: FAST });
  const cloned = new Vouchers(clone);
  const p1 = await s.vouchers.pay((await s.grocery.createRequest(8000, 'KRW', 60)).qr);
  const p2 = await cloned.pay((await s.cafe.createRequest(7000, 'KRW', 60)).qr);
  const found = await s.bank.detectDoubleSpends([p1.qr, p2.qr]);
  assert.deepEqual(new Set(found.map((f) => f.kind)), new Set(['over_allocated', 'sequence_reused']));
  assert.equal(found.find((f) => f.kind === 'over_allocated').voucher, v.id);
});
