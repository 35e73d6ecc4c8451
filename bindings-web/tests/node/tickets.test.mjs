// Ticket flows from JavaScript, mirroring TicketTest.kt: grant, import, show, gate, receipts,
// stale windows on the gate's clock, transfers, merges — and the transfer signature checked by
// ethers (an independent EIP-712 implementation).
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { jigap, testOf } from './package.mjs';

const test = testOf('tickets');

const { Wallet, MemoryStore, Tickets, Gate, GateKey, TicketIssuer } = jigap;
const FAST = jigap.kdfFastInsecure();
const now = Math.floor(Date.now() / 1000);
const contract = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const event = { id: 'MAHLER2', name: 'Mahler Symphony No. 2', venue: 'Lotte Concert Hall, Seoul', doorsOpen: now - 3600, start: now + 1800, end: now + 4 * 3600 };
const seat = { section: 'B', row: '12', number: '7' };

/** A clock inside the pass's window, `offset` windows away. */
const clockAt = (pass, offset) => () => (pass.window + offset) * 15000 + 5000;

async function setup() {
  const issuerWallet = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const issuer = new TicketIssuer(issuerWallet, (await issuerWallet.account(0)).address);
  const issuerId = await issuer.identity();
  const holderWallet = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const me = (await holderWallet.account(0)).address;
  const tickets = new Tickets(holderWallet);
  await tickets.trustIssuer(issuerId);
  const myId = await tickets.holderId(me);
  const grant = (tokenId, { policy, ev = event, to = myId } = {}) =>
    issuer.grant(to, { chainId: 1, contract, tokenId, event: ev, seat, tier: 'R', policy });
  const ticket = async (tokenId, opts) => (await tickets.importGrant(await grant(tokenId, opts))).ticket;
  const gate = async (name, clock, key = GateKey.generate(), ev = event) => {
    const auth = await issuer.authorizeGate(1, contract, ev, key.publicKey, name);
    return new Gate(key, { issuers: [issuerId], authorizations: [auth], clock });
  };
  return { issuer, issuerId, holderWallet, me, tickets, myId, grant, ticket, gate };
}

test('grant, import, list, show, gate admits once, receipt marks it used', async () => {
  const s = await setup();
  const grant = await s.grant(42);
  assert.equal((await s.tickets.importGrant(grant)).outcome, 'added');
  assert.equal((await s.tickets.importGrant(grant)).outcome, 'unchanged');
  const [t] = await s.tickets.list();
  assert.equal(t.id, `1:${contract}:42`);
  assert.equal(t.status, 'Sold');
  assert.equal(t.locked, true);
  assert.deepEqual(t.state, { kind: 'usable' });
  assert.equal(t.seatLabel, 'section B, row 12, seat 7');
  assert.deepEqual(t.event, event);
  assert.deepEqual(await s.tickets.trustedIssuers(), [s.issuerId]);
  assert.equal(s.issuer.address, (await s.tickets.get(t.id)).issuer);

  const pass = await s.tickets.show(t.id);
  assert.ok(pass.text.startsWith('JGTP:'));
  assert.ok(pass.size <= 69, `fits QR version 13: ${pass.size} modules`);
  assert.equal(pass.modules.length, pass.size * pass.size);
  assert.ok(pass.svg.includes('<svg'));
  assert.equal(pass.nextRotationMs, (pass.window + 1) * 15000);
  assert.ok(pass.refreshInMs <= 15000);

  const gate = await s.gate('North 3', clockAt(pass, 0));
  assert.equal(gate.name, 'North 3');
  const admit = await gate.verify(pass.text);
  assert.equal(admit.ticketId, t.id);
  assert.equal(admit.seat.number, '7');
  assert.equal(admit.tier, 'R');
  assert.equal(admit.holder, s.me);
  assert.equal(admit.eventName, event.name);
  await assert.rejects(gate.verify(pass.text), (e) => e instanceof jigap.JigapError && e.kind === 'Refused' && e.message.includes("already entered through gate 'North 3'"));
  assert.deepEqual((await gate.entries()).map((e) => e.ticketId), [t.id]);

  const used = await s.tickets.applyReceipt(await gate.receipt(admit));
  assert.equal(used.status, 'Redeemed');
  assert.equal(used.state.kind, 'used');
  assert.equal(used.state.gate, 'North 3');
  await assert.rejects(s.tickets.show(t.id), (e) => e.kind === 'Refused' && e.message.includes('already used'));
});

test("one window either side is accepted, two are stale (the gate's clock)", async () => {
  const s = await setup();
  const pass = await s.tickets.show((await s.ticket(1)).id);
  for (const offset of [-2, 2, 3]) {
    const gate = await s.gate(`Stale ${offset}`, clockAt(pass, offset));
    await assert.rejects(gate.verify(pass.text), (e) => e.kind === 'Expired' && e.message.includes(`time window ${pass.window}`));
  }
  for (const offset of [-1, 0, 1]) {
    const gate = await s.gate(`Ok ${offset}`, clockAt(pass, offset));
    assert.equal((await gate.verify(pass.text)).window, pass.window);
  }
  assert.throws(() => new Gate(GateKey.generate(), { issuers: [], authorizations: [], clock: 'noon' }), { kind: 'InvalidInput' });
});

test('untrusted issuers and forged passes are refused', async () => {
  const s = await setup();
  const strangerWallet = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const stranger = new TicketIssuer(strangerWallet, (await strangerWallet.account(0)).address);
  const forged = await stranger.grant(s.myId, { chainId: 1, contract, tokenId: 7, event, seat: { section: 'A', number: '1' } });
  await assert.rejects(s.tickets.importGrant(forged), (e) => e.kind === 'Untrusted' && e.message.includes('not a trusted ticket issuer'));

  await s.tickets.trustIssuer(await stranger.identity());
  const pass = await s.tickets.show((await s.tickets.importGrant(forged)).ticket.id);
  const gate = await s.gate('North 3', clockAt(pass, 0));
  await assert.rejects(gate.verify(pass.text), { kind: 'BadSignature' });
  await assert.rejects(gate.verify('JGTP:NOT A PASS'), { kind: 'InvalidInput' });
  assert.equal(await s.tickets.distrustIssuer(stranger.address), true);
  assert.equal(await s.tickets.distrustIssuer(stranger.address), false);

  const key = GateKey.generate();
  const auth = await stranger.authorizeGate(1, contract, event, key.publicKey, 'X');
  assert.throws(() => new Gate(key, { issuers: [s.issuerId], authorizations: [auth] }), { kind: 'InvalidInput' });
});

test('wrong event and too early are refused', async () => {
  const s = await setup();
  const other = { ...event, id: 'BRAHMS4', name: 'Brahms 4' };
  const pass = await s.tickets.show((await s.ticket(2, { ev: other })).id);
  await assert.rejects((await s.gate('North 3', clockAt(pass, 0))).verify(pass.text),
    (e) => e.kind === 'Refused' && e.message.includes("event 'BRAHMS4', which this gate does not admit"));

  const later = { ...event, id: 'LATER', doorsOpen: now + 7200, start: now + 9000 };
  const early = await s.tickets.show((await s.ticket(3, { ev: later })).id);
  const gate = await s.gate('East', clockAt(early, 0), GateKey.generate(), later);
  await assert.rejects(gate.verify(early.text), (e) => e.kind === 'Refused' && e.message.includes('too early'));
});

test('transfers follow the policy; ethers verifies the signed request', async () => {
  const s = await setup();
  const buyerWallet = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const buyer = new Tickets(buyerWallet);
  await buyer.trustIssuer(s.issuerId);
  const buyerAddress = (await buyerWallet.account(0)).address;
  const buyerId = await buyer.holderId(buyerAddress);

  const locked = await s.ticket(1);
  await assert.rejects(s.tickets.requestTransfer(locked.id, buyerId, 0, 'KRW'), (e) => e.kind === 'LimitExceeded' && e.message.includes('not transferable'));

  const t = await s.ticket(2, { policy: { transferable: true, currency: 'KRW', priceCap: 100000, maxTransfers: 1 } });
  assert.equal(t.locked, false);
  await assert.rejects(s.tickets.requestTransfer(t.id, buyerId, 100001, 'KRW'), (e) => e.kind === 'LimitExceeded' && e.message.includes('resale cap of 100000 KRW'));

  const request = await s.tickets.requestTransfer(t.id, buyerId, 90000, 'KRW');
  const typedData = JSON.parse(request.typedDataJson);
  const { EIP712Domain, ...types } = typedData.types;
  assert.ok(EIP712Domain);
  assert.equal(ethers.verifyTypedData(typedData.domain, types, typedData.message, request.signature), s.me);
  assert.equal((await s.tickets.get(t.id)).status, 'Resell');
  await assert.rejects(s.tickets.show(t.id), (e) => e.kind === 'Refused' && e.message.includes('waiting for the issuer'));
  assert.equal((await s.tickets.pendingTransfer(t.id)).text, request.text);
  assert.deepEqual((await s.tickets.cancelTransfer(t.id)).state, { kind: 'usable' });
  const again = await s.tickets.requestTransfer(t.id, buyerId, 90000, 'KRW');

  const newGrant = await s.issuer.reissue(again.text);
  const { ticket: bought } = await buyer.importGrant(newGrant);
  assert.equal(bought.holder, buyerAddress);
  assert.equal(bought.transfers, 1);
  assert.equal((await s.tickets.importGrant(newGrant)).outcome, 'transferConfirmed');
  const old = await s.tickets.get(t.id);
  assert.equal(old.status, 'Void');
  assert.deepEqual({ kind: old.state.kind, to: old.state.to }, { kind: 'transferred', to: buyerAddress });
  await assert.rejects(s.tickets.show(t.id), (e) => e.kind === 'Refused' && e.message.includes('transferred'));
  await assert.rejects(buyer.requestTransfer(bought.id, s.myId, 1, 'KRW'), (e) => e.kind === 'LimitExceeded' && e.message.includes('at most 1 times'));
  await assert.rejects(s.issuer.reissue(again.text), { kind: 'InvalidInput' });

  const pass = await buyer.show(bought.id);
  assert.equal((await (await s.gate('North 3', clockAt(pass, 0))).verify(pass.text)).transfers, 1);
});

test('two gates merge their entered sets; the second refuses a second entry', async () => {
  const s = await setup();
  const first = await s.tickets.show((await s.ticket(1)).id);
  const second = await s.tickets.show((await s.ticket(2)).id);
  const clock = clockAt(first, 0);
  const operator = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const north = await s.gate('North 3', clock, await GateKey.fromAccount(operator, (await operator.account(0)).address));
  const south = await s.gate('South 1', clock, await GateKey.fromAccount(operator, (await operator.addAccount()).address));
  await north.verify(first.text);
  await south.verify(second.text);

  assert.deepEqual(await south.merge(await north.export()), { added: 1, updated: 0, ignored: 0, total: 2 });
  assert.equal((await south.merge(await north.export())).added, 0);
  await assert.rejects(south.verify(first.text), (e) => e.kind === 'Refused' && e.message.includes("already entered through gate 'North 3'"));
  assert.equal((await north.merge(await south.export())).total, 2);
  assert.deepEqual(new Set((await north.entries()).map((e) => e.gate)), new Set(['North 3', 'South 1']));
  await assert.rejects(north.merge(new Uint8Array([1, 2, 3])), { kind: 'InvalidInput' });
});

test('list shows upcoming events first; bad ids say why', async () => {
  const s = await setup();
  await s.ticket(1);
  await s.ticket(2, { ev: { ...event, id: 'SOON', start: now + 600 } });
  assert.deepEqual((await s.tickets.list()).map((t) => t.event.id), ['SOON', 'MAHLER2']);
  await assert.rejects(s.tickets.get(`1:${contract}:999`), { kind: 'NotFound' });
  await assert.rejects(s.tickets.get('not a ticket'), { kind: 'InvalidInput' });
});
