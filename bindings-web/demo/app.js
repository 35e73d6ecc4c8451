// The jigap demo wallet: built on the npm package only (bindings-web/pkg).
import * as jigap from '/bindings-web/pkg/index.js';

const { Wallet, IndexedDbStore, MemoryStore, Vouchers, MerchantDesk, VoucherIssuer, JigapError } = jigap;
const FAST = jigap.kdfFastInsecure(); // demo only
const DB = 'jigap-demo';
// The demo's issuers, shops, gate and inspector: one wallet from a fixed phrase, so their
// addresses are the same on every visit.
const SERVICES_PHRASE = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const CATEGORY = { 5411: 'Groceries', 5499: 'Food stores', 5814: 'Cafés & fast food' };
const REGION = { 'KR-11': 'Seoul', KR: 'Korea' };

const $ = (id) => document.getElementById(id);
const won = (n) => '₩' + Number(n).toLocaleString('en-US');
const state = {};
window.jigapDemo = state; // for the Playwright test

async function services() {
  const w = await Wallet.restore(new MemoryStore(), '000000', SERVICES_PHRASE, { kdf: FAST });
  const addr = [];
  for (let i = 0; i < 4; i++) addr.push(i === 0 ? (await w.account(0)).address : (await w.addAccount()).address);
  const [city, bank, grocery, cafe] = addr;
  return {
    wallet: w, city: new VoucherIssuer(w, city), bank: new VoucherIssuer(w, bank), cityAddress: city, bankAddress: bank,
    grocery: new MerchantDesk(w, { merchant: grocery, name: '행복마트 망원점', category: 5411, region: 'KR-11', trustedIssuers: [city, bank] }),
    cafe: new MerchantDesk(w, { merchant: cafe, name: 'Café Bom', category: 5814, region: 'KR-11', trustedIssuers: [city, bank] }),
  };
}

async function start() {
  state.store = await IndexedDbStore.open(DB);
  state.svc = await services();
  const exists = state.store.scan(new Uint8Array()).length > 0;
  $(exists ? 'open-form' : 'create-form').hidden = false;
  document.body.dataset.ready = 'yes';
}

async function entered(wallet, phrase) {
  state.wallet = wallet;
  state.vouchers = new Vouchers(wallet);
  await state.vouchers.setTrustedIssuers([
    { address: state.svc.cityAddress, name: 'Seoul welfare voucher', currency: 'KRW', holdingCap: 500000, offlineAllowance: 200000 },
    { address: state.svc.bankAddress, name: 'Bank of Korea digital voucher', currency: 'KRW' },
  ]);
  const acc = await wallet.account(0);
  state.me = acc.address;
  $('address').textContent = acc.address;
  $('did').textContent = (await wallet.identity(0)).did;
  if (phrase) {
    $('phrase').hidden = false;
    $('phrase').textContent = 'Recovery phrase (shown once — write it down): ' + phrase;
  }
  $('lock').hidden = true;
  $('app').hidden = false;
  await renderVouchers();
}

async function renderVouchers() {
  const list = await state.vouchers.vouchers();
  const total = (await state.vouchers.balances()).reduce((s, b) => s + b.spendable, 0);
  $('total').textContent = `${won(total)} spendable`;
  $('total').dataset.spendable = String(total);
  $('voucher-cards').innerHTML = list.map((v) => `
    <div class="card" data-voucher="${v.id}">
      <h3>${v.issuerName}</h3>
      <div class="amount">${won(v.remaining)} <span class="small">of ${won(v.amount)}</span></div>
      <span class="badge-status ${v.status}">${v.status.replaceAll('_', ' ')}</span>
      <p class="small">${v.categories.length ? 'Only: ' + v.categories.map((c) => CATEGORY[c] ?? c).join(', ') : 'Any shop'}
        · ${v.regions.length ? v.regions.map((r) => REGION[r] ?? r).join(', ') : 'anywhere'}
        · until ${new Date(v.validUntil * 1000).toLocaleDateString('en-CA')}${v.reserved ? ` · ${won(v.reserved)} reserved` : ''}</p>
    </div>`).join('') || '<p class="small">No vouchers yet.</p>';
}

$('create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const pin = $('create-pin').value;
  const wallet = await Wallet.create(state.store, pin, { words: 12, language: 'ko', kdf: FAST });
  await entered(wallet, await wallet.exportMnemonic(pin));
});

$('open-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const wallet = await Wallet.open(state.store, { kdf: FAST });
    await wallet.unlock($('open-pin').value);
    await entered(wallet);
  } catch (err) {
    $('open-error').textContent = err instanceof JigapError ? err.message : String(err);
  }
});

$('lock-button').addEventListener('click', () => {
  state.wallet.lock();
  location.reload();
});

$('receive-vouchers').addEventListener('click', async () => {
  const now = Math.floor(Date.now() / 1000);
  await state.vouchers.importGrant(await state.svc.city.grant({ holder: state.me, amount: 30000, currency: 'KRW', validFrom: now - 60, validUntil: now + 120 * 86400, categories: [5411], regions: ['KR-11'] }));
  await state.vouchers.importGrant(await state.svc.bank.grant({ holder: state.me, amount: 20000, currency: 'KRW', validFrom: now - 60, validUntil: now + 365 * 86400 }));
  await renderVouchers();
});

async function scan(desk, amount) {
  const request = await desk.createRequest(amount, 'KRW', 120);
  const quote = await state.vouchers.quote(request.qr);
  $('payment').innerHTML = '';
  if (!quote.payable) {
    $('quote').innerHTML = `<p class="error" data-result="refused">${quote.merchantName} asks ${won(quote.amount)}: your vouchers cannot pay — ${won(quote.missing)} missing.</p>
      <ul class="reasons">${quote.unusable.map((u) => `<li>${u.message}</li>`).join('')}</ul>`;
    return;
  }
  $('quote').innerHTML = `<p>${quote.merchantName} asks <b>${won(quote.amount)}</b>. Your wallet would pay
    ${quote.allocations.map((a) => won(a.amount)).join(' + ')} (soonest expiry first).</p><button id="pay">Pay ${won(quote.amount)}</button>`;
  $('pay').addEventListener('click', async () => {
    const payment = await state.vouchers.pay(request.qr);
    const accepted = await desk.accept(request.qr, payment.qr);
    const qr = jigap.qrCode(payment.qr, 3);
    for (const issuer of [state.svc.city, state.svc.bank]) {
      try { await state.vouchers.applySettlement(await issuer.settle(payment.qr)); } catch (e) { if (!(e instanceof JigapError)) throw e; }
    }
    $('quote').innerHTML = '';
    $('payment').innerHTML = `<div class="row"><div class="qr">${qr.svg}</div><div>
      <p class="ok" data-result="paid">Paid ${won(accepted.total)} to ${quote.merchantName}; the shop verified it offline and the issuers settled.</p>
      <p class="small mono">redemption ${payment.redemptionHash}</p></div></div>`;
    await renderVouchers();
  });
}

$('scan-grocery').addEventListener('click', () => scan(state.svc.grocery, 42000));
$('scan-cafe').addEventListener('click', () => scan(state.svc.cafe, 15000));

start().catch((e) => { document.body.dataset.error = String(e); console.error(e); });
