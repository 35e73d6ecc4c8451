// The jigap demo wallet: built on the npm package only (bindings-web/pkg).
import * as jigap from '/bindings-web/pkg/index.js';

const {
  Wallet, IndexedDbStore, MemoryStore, Vouchers, MerchantDesk, VoucherIssuer, JigapError,
  Tickets, TicketIssuer, Gate, GateKey, Credentials, CredentialIssuer, CredentialVerifier,
} = jigap;
const FAST = jigap.kdfFastInsecure(); // demo only
const DB = 'jigap-demo';
// The demo's issuers, shops, gate and inspector: one wallet from a fixed phrase, so their
// addresses are the same on every visit.
const SERVICES_PHRASE = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const CATEGORY = { 5411: 'Groceries', 5499: 'Food stores', 5814: 'Cafés & fast food' };
const REGION = { 'KR-11': 'Seoul', KR: 'Korea' };

const $ = (id) => document.getElementById(id);
// On-chain mode: `?rpc=http://127.0.0.1:8545` (a node whose first development account is funded,
// like anvil's) adds the "On chain" panel.
const RPC = new URLSearchParams(location.search).get('rpc');
const DEV_PHRASE = 'test test test test test test test test test test test junk';
// Everything from an issuer, shop or error goes into the page escaped: a credential's claims are
// someone else's text.
const esc = (v) => String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const won = (n) => '₩' + Number(n).toLocaleString('en-US');
const state = {};
window.jigapDemo = state; // for the Playwright test

async function services() {
  const w = await Wallet.restore(new MemoryStore(), '000000', SERVICES_PHRASE, { kdf: FAST });
  const addr = [];
  for (let i = 0; i < 4; i++) addr.push(i === 0 ? (await w.account(0)).address : (await w.addAccount()).address);
  const [city, bank, grocery, cafe] = addr;
  const promoter = (await w.addAccount()).address;

  // The concert runs all of today and tomorrow (UTC), so a ticket received today stays valid
  // across reloads; the gate is authorised by the promoter for this one event.
  const day = Math.floor(Date.now() / 86400000) * 86400;
  const concert = {
    chainId: 1, contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    event: { id: 'SAC-MAHLER2', name: 'Mahler Symphony No. 2 — Seoul Philharmonic', venue: 'Seoul Arts Center', doorsOpen: day, start: day + 19 * 3600, end: day + 2 * 86400 - 1 },
  };
  const ticketIssuer = new TicketIssuer(w, promoter);
  const promoterId = await ticketIssuer.identity();
  const gateKey = GateKey.generate();
  const authorization = await ticketIssuer.authorizeGate(concert.chainId, concert.contract, concert.event, gateKey.publicKey, 'Gate 3 (north)');
  const gate = new Gate(gateKey, { issuers: [promoterId], authorizations: [authorization] });

  // Credential issuers with fixed keys: a training institute (Ed25519) and the licensing
  // authority (P-256), trusted by the wallet and the inspector.
  const seed = (b) => new Uint8Array(32).fill(b);
  const institute = new CredentialIssuer({ keyType: 'ed25519', seed: seed(0x11), name: 'Korea Polytechnics' });
  const authority = new CredentialIssuer({ keyType: 'p256', seed: seed(0x22), name: 'Korea Transportation Safety Authority' });
  return {
    wallet: w, city: new VoucherIssuer(w, city), bank: new VoucherIssuer(w, bank), cityAddress: city, bankAddress: bank,
    grocery: new MerchantDesk(w, grocery, '행복마트 망원점', 5411, 'KR-11', [city, bank]),
    cafe: new MerchantDesk(w, cafe, 'Café Bom', 5814, 'KR-11', [city, bank]),
    concert, ticketIssuer, promoterId, gate, institute, authority,
    // The names an app would take from its trust list (an SD-JWT carries only the issuer's id).
    issuerNames: { [institute.id]: 'Korea Polytechnics', [authority.id]: 'Korea Transportation Safety Authority' },
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
  state.tickets = new Tickets(wallet);
  await state.tickets.trustIssuer(state.svc.promoterId);
  state.credentials = new Credentials(wallet);
  $('lock').hidden = true;
  $('app').hidden = false;
  if (RPC) {
    $('chain').hidden = false;
    $('rpc-url').textContent = RPC;
  }
  await renderVouchers();
  await renderTickets();
  await renderCredentials();
}

async function renderVouchers() {
  const list = await state.vouchers.vouchers();
  const total = (await state.vouchers.balances()).reduce((s, b) => s + b.spendable, 0);
  $('total').textContent = `${won(total)} spendable`;
  $('total').dataset.spendable = String(total);
  $('voucher-cards').innerHTML = list.map((v) => `
    <div class="card" data-voucher="${esc(v.id)}">
      <h3>${esc(v.issuerName)}</h3>
      <div class="amount">${won(v.remaining)} <span class="small">of ${won(v.amount)}</span></div>
      <span class="badge-status ${esc(v.status)}">${esc(v.status.replaceAll('_', ' '))}</span>
      <p class="small">${v.categories.length ? 'Only: ' + esc(v.categories.map((c) => CATEGORY[c] ?? c).join(', ')) : 'Any shop'}
        · ${v.regions.length ? esc(v.regions.map((r) => REGION[r] ?? r).join(', ')) : 'anywhere'}
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
    $('quote').innerHTML = `<p class="error" data-result="refused">${esc(quote.merchantName)} asks ${won(quote.amount)}: your vouchers cannot pay — ${won(quote.missing)} missing.</p>
      <ul class="reasons">${quote.unusable.map((u) => `<li>${esc(u.message)}</li>`).join('')}</ul>`;
    return;
  }
  $('quote').innerHTML = `<p>${esc(quote.merchantName)} asks <b>${won(quote.amount)}</b>. Your wallet would pay
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
      <p class="ok" data-result="paid">Paid ${won(accepted.total)} to ${esc(quote.merchantName)}; the shop verified it offline and the issuers settled.</p>
      <p class="small mono">redemption ${esc(payment.redemptionHash)}</p></div></div>`;
    await renderVouchers();
  });
}

$('scan-grocery').addEventListener('click', () => scan(state.svc.grocery, 42000));
$('scan-cafe').addEventListener('click', () => scan(state.svc.cafe, 15000));

// ---- Tickets: a pass that rotates every 15 s, admitted once at the gate ----

const seatText = (t) => (t.seat.generalAdmission ? 'General admission' : `Section ${t.seat.section} · row ${t.seat.row} · seat ${t.seat.number}`);
const STATE_TEXT = { usable: 'ready', used: 'used', transferred: 'transferred', transferPending: 'transfer pending' };

async function renderTickets() {
  clearInterval(state.rotation);
  const list = await state.tickets.list();
  $('receive-ticket').disabled = list.length > 0;
  $('ticket-cards').innerHTML = list.map((t) => `
    <div class="card ticket" data-ticket="${esc(t.id)}" data-state="${esc(t.state.kind)}">
      <div>
        <h3>${esc(t.event.name)}</h3>
        <p>${esc(t.event.venue)} · ${new Date(t.event.start * 1000).toLocaleString('en-CA', { dateStyle: 'medium', timeStyle: 'short' })}</p>
        <p><b>${esc(seatText(t))}</b> · tier ${esc(t.tier)}</p>
        <span class="badge-status ${esc(t.state.kind)}">${esc(STATE_TEXT[t.state.kind] ?? t.state.kind)}</span>
        <span class="small">${t.locked ? 'non-transferable (ERC-5192 locked)' : 'transferable'} · ERC-7439 ${esc(t.status)}</span>
        <p class="small countdown" id="countdown"></p>
      </div>
      <div class="qr" id="pass-qr"></div>
    </div>`).join('') || '<p class="small">No tickets yet.</p>';
  const usable = list.find((t) => t.state.kind === 'usable');
  $('scan-ticket').disabled = !usable;
  if (usable) await showPass(usable.id);
}

// Show the current pass and schedule the next one; a screenshot of it is useless 15 s later.
async function showPass(id) {
  const pass = await state.tickets.show(id);
  state.pass = pass;
  const qr = $('pass-qr');
  qr.innerHTML = pass.svg;
  qr.dataset.pass = pass.text;
  qr.dataset.window = String(pass.window);
  const tick = async () => {
    const left = Math.max(0, Math.ceil((pass.nextRotationMs - Date.now()) / 1000));
    $('countdown').textContent = `New code in ${left} s — show this at the gate`;
    if (left === 0) {
      clearInterval(state.rotation);
      await showPass(id);
    }
  };
  clearInterval(state.rotation);
  state.rotation = setInterval(() => { tick().catch(fail); }, 1000);
  await tick();
}

async function gateScan(passText) {
  try {
    const admit = await state.svc.gate.verify(passText);
    const receipt = await state.svc.gate.receipt(admit);
    await state.tickets.applyReceipt(receipt);
    $('gate-result').innerHTML = `<p class="ok" data-result="admitted">Gate 3 admits: ${esc(admit.eventName)}, ${esc(admit.seatLabel)}, tier ${esc(admit.tier)}. The gate's receipt marks the ticket used.</p>`;
    await renderTickets();
  } catch (e) {
    if (!(e instanceof JigapError)) throw e;
    $('gate-result').innerHTML = `<p class="error" data-result="refused" data-kind="${esc(e.kind)}">Gate 3 refuses: ${esc(e.message)}</p>`;
  }
}

$('receive-ticket').addEventListener('click', async () => {
  const me = await state.tickets.holderId(state.me);
  const grant = await state.svc.ticketIssuer.grant(me, {
    ...state.svc.concert, tokenId: 1042, seat: { section: 'B', row: '12', number: '7' }, tier: 'R',
  });
  await state.tickets.importGrant(grant);
  await renderTickets();
});

$('scan-ticket').addEventListener('click', async () => {
  state.scanned = state.pass.text; // what the gate's camera saw
  $('scan-ticket-again').disabled = false;
  await gateScan(state.scanned);
});
$('scan-ticket-again').addEventListener('click', () => gateScan(state.scanned));

// ---- Credentials: a badge, a licence, and a presentation that reveals only what is chosen ----

const LICENCE_VCT = 'https://kotsa.or.kr/credentials/drone-pilot-licence';
const CLAIM_LABEL = {
  given_name: 'Given name', family_name: 'Family name', birthdate: 'Date of birth', licence_number: 'Licence number',
  category: 'Licence category', expiry_date: 'Valid until', issuing_country: 'Issuing country',
};
const trust = () => ({ trustedIssuers: [state.svc.institute.id, state.svc.authority.id], requireTrusted: true });

async function renderCredentials() {
  const list = await state.credentials.list();
  $('receive-credentials').disabled = list.length > 0;
  $('credential-cards').innerHTML = list.map((c) => c.badge ? `
    <div class="card" data-credential="badge">
      <h3>${esc(c.badge.achievementName)}</h3>
      <p class="small">${esc(c.badge.description)}</p>
      <p>Open Badge from <b>${esc(c.badge.issuerName ?? c.issuer)}</b></p>
      <span class="badge-status ${esc(c.validity)}">${esc(c.validity.replaceAll('_', ' '))}</span>
      <span class="small">issued ${esc(c.badge.issued.slice(0, 10))}${c.badge.expires ? ' · expires ' + esc(c.badge.expires.slice(0, 10)) : ''}</span>
    </div>` : `
    <div class="card" data-credential="licence">
      <h3>Drone pilot licence</h3>
      <p>${esc(c.claims.given_name ?? '')} ${esc(c.claims.family_name ?? '')} · category <b>${esc(c.claims.category ?? '?')}</b></p>
      <p class="small">from ${esc(c.issuerName ?? state.svc.issuerNames[c.issuer] ?? c.issuer)}</p>
      <span class="badge-status ${esc(c.validity)}">${esc(c.validity.replaceAll('_', ' '))}</span>
      <span class="small">SD-JWT VC · ${c.disclosable.length} claims you can choose to show</span>
    </div>`).join('') || '<p class="small">No credentials yet.</p>';
  const licence = list.find((c) => c.types.includes(LICENCE_VCT));
  $('present').hidden = !licence;
  if (licence) {
    state.licence = licence;
    $('claims').className = 'claims';
    $('claims').innerHTML = licence.disclosable.map((p) => `
      <label><input type="checkbox" name="disclose" value="${esc(p)}"> ${esc(CLAIM_LABEL[p] ?? p)}: <span class="mono">${esc(JSON.stringify(licence.claims[p]))}</span></label>`).join('');
  }
}

$('receive-credentials').addEventListener('click', async () => {
  const now = Math.floor(Date.now() / 1000);
  const badge = await state.svc.institute.issueBadge({
    name: 'Industrial Electrician, Level 3', achievementName: 'Industrial Electrician — Level 3',
    description: '480 hours of vocational training in low-voltage installation and safety.',
    criteriaNarrative: 'Passed the practical and written examinations.',
    subject: await state.credentials.holderDid(), validFrom: now - 60,
  });
  await state.credentials.import(badge, trust());
  const licence = await state.svc.authority.issueSdJwt({
    vct: LICENCE_VCT,
    claims: {
      given_name: '지민', family_name: '김', birthdate: '1994-03-15', licence_number: 'KR-DR-2026-004512',
      category: 'Class 2 (up to 25 kg)', expiry_date: '2031-11-30', issuing_country: 'KR',
    },
    holderJwk: await state.credentials.holderJwk(), issuedAt: now - 60, expiresAt: now + 5 * 365 * 86400,
  });
  await state.credentials.import(licence, trust());
  await renderCredentials();
});

$('present-button').addEventListener('click', async () => {
  const disclose = [...document.querySelectorAll('input[name="disclose"]:checked')].map((i) => i.value);
  // The inspector's request: a fresh nonce and its own identifier as the audience.
  const nonce = crypto.randomUUID();
  const audience = 'https://inspection.molit.go.kr';
  const presentation = await state.credentials.present(state.licence.id, disclose, nonce, audience);
  const verifier = new CredentialVerifier({ ...trust(), nonce, audience });
  try {
    const result = await verifier.verifyPresentation(presentation);
    const claims = result.credentials[0].claims;
    const shown = disclose.filter((p) => p in claims);
    $('verifier-result').innerHTML = `<p class="ok" data-result="verified" data-claims="${esc(shown.join(','))}" data-keys="${esc(Object.keys(claims).join(','))}">The inspector verified the licence (issuer signature, every disclosure, your key, nonce, audience, freshness) and sees only:</p>
      <dl class="disclosed">${shown.map((p) => `<dt>${esc(CLAIM_LABEL[p] ?? p)}</dt><dd>${esc(claims[p])}</dd>`).join('') || '<dt>nothing</dt><dd>— no claims chosen</dd>'}</dl>
      <p class="small">${presentation.length} characters presented; ${state.licence.disclosable.length - shown.length} claims stayed in your wallet.</p>`;
  } catch (e) {
    if (!(e instanceof JigapError)) throw e;
    $('verifier-result').innerHTML = `<p class="error" data-result="refused">The inspector refuses: ${esc(e.message)}</p>`;
  } finally {
    verifier.free();
  }
});

function fail(e) { document.body.dataset.error = String(e); console.error(e); }

start().catch((e) => { document.body.dataset.error = String(e); console.error(e); });

// ---------------------------------------------------------------- on chain

const bytecode = async (name) => (await (await fetch(`/target/contracts/${name}.json`)).json()).bytecode;

async function settleOnChain() {
  const { EvmWallet, EvmProvider } = jigap;
  const provider = new EvmProvider(RPC);
  const list = $('chain-steps');
  const step = (text, txs = []) => {
    const li = document.createElement('li');
    li.innerHTML = esc(text) + txs.map((h) => `<br><span class="mono">${esc(h)}</span>`).join('');
    list.append(li);
  };
  const party = async (store, phrase) => {
    const w = phrase ? await Wallet.restore(store, '000000', phrase, { kdf: FAST }) : await Wallet.create(store, '000000', { kdf: FAST });
    const me = (await w.account(0)).address;
    return { w, me, evm: new EvmWallet(w, 31337) };
  };
  const send = async (p, to, data, value = '0') => sendIntent(p, { from: p.me, to, data, value });
  const sendIntent = async (p, intent) => {
    const flow = p.evm.sendFlow(intent);
    await provider.prepare(flow);
    const signed = await provider.submit(flow);
    const r = await provider.waitForReceipt(p.evm, signed.hash, { pollMs: 100, timeoutMs: 30_000 });
    if (!r?.status) throw new JigapError('Refused', `transaction ${signed.hash} failed`);
    return r;
  };
  const city = await party(new MemoryStore(), DEV_PHRASE);
  const citizen = await party(new MemoryStore());
  const shop = await party(new MemoryStore());
  const gas = [await send(city, citizen.me, '0x', '1000000000000000000'), await send(city, shop.me, '0x', '1000000000000000000')];
  step(`The city's treasury ${city.me} gives you (${citizen.me}) and the shop (${shop.me}) gas money`, gas.map((r) => r.hash));

  const token = await send(city, null, (await bytecode('TestToken')) + jigap.abiEncode(['uint256'], ['1000000']).slice(2));
  const pool = await send(city, null, jigap.voucherPoolDeployData(await bytecode('VoucherPool'), token.contractAddress, 'KRW', 1));
  state.chain = { token: token.contractAddress, pool: pool.contractAddress };
  step(`KRWT deposit token at ${token.contractAddress}; VoucherPool at ${pool.contractAddress}`, [token.hash, pool.hash]);

  const domain = { chainId: 31337, verifyingContract: pool.contractAddress };
  const now = Math.floor(Date.now() / 1000);
  const grant = await new VoucherIssuer(city.w, city.me, domain).grant({
    holder: citizen.me, amount: 50_000, currency: 'KRW', validFrom: now - 60, validUntil: now + 30 * 86_400,
    categories: [5411], regions: ['KR-11'],
  });
  const setup = [
    await send(city, token.contractAddress, jigap.erc20ApproveData(pool.contractAddress, '100000')),
    await send(city, pool.contractAddress, jigap.voucherPoolFundCall(100_000)),
    await send(city, pool.contractAddress, jigap.voucherPoolSetMerchantsCall([{ merchant: shop.me, category: 5411, region: 'KR-11', active: true }])),
    await send(city, pool.contractAddress, jigap.voucherPoolRegisterCall([grant])),
  ];
  const vouchers = new Vouchers(citizen.w, domain);
  await vouchers.setTrustedIssuers([{ address: city.me, name: 'Seoul (on chain)', currency: 'KRW' }]);
  await vouchers.importGrant(grant);
  step('The city funds the pool with 100,000 KRWT, registers the shop (groceries, Seoul) and your ₩50,000 voucher', setup.map((r) => r.hash));

  const desk = new MerchantDesk(shop.w, shop.me, '망원시장 (on chain)', 5411, 'KR-11', [city.me], domain);
  const request = await desk.createRequest(30_000, 'KRW', 600);
  const payment = await vouchers.pay(request.qr);
  await desk.accept(request.qr, payment.qr);
  step(`At the counter, offline: you pay ₩30,000 and the shop checks it (redemption ${payment.redemptionHash})`);

  const redeemed = await sendIntent(shop, await desk.redeemOnchain(request.qr, payment.qr));
  const settled = (await desk.settlement(redeemed)).settled[0];
  step(`The shop redeems on chain: the pool checked both signatures and every rule and paid ₩${Number(settled.total).toLocaleString('en-US')} (${redeemed.gasUsed} gas)`, [redeemed.hash]);

  const sync = await provider.syncVouchers(vouchers);
  const [balance] = await vouchers.balances();
  const [onChain] = await provider.voucherChainState(vouchers);
  state.chain.settled = sync.settled;
  state.chain.spendable = balance.spendable;
  step(`Your wallet synced from the chain: ${sync.settled} payment settled, ${won(balance.spendable)} left (the pool says ${won(onChain.pool.remaining)}${onChain.inStep ? ', in step' : ', NOT in step'})`);
  list.dataset.done = 'yes';
}

$('settle-on-chain').addEventListener('click', async () => {
  $('settle-on-chain').disabled = true;
  try {
    await settleOnChain();
  } catch (e) {
    const li = document.createElement('li');
    li.className = 'error';
    li.textContent = `${e.kind ?? 'Error'}: ${e.message}`;
    $('chain-steps').append(li);
    $('chain-steps').dataset.done = 'error';
  }
});
