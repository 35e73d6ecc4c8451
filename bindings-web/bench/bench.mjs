// Wasm benchmark: jigap's WebAssembly build against @noble/secp256k1 (pure JS) in the same run.
// `node bindings-web/bench/bench.mjs [--json]`. Targets are checked here, never in tests.
import * as secp from '@noble/secp256k1';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import * as jigap from '../pkg/index.js';

secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (k, m) => hmac(sha256, k, m);

const hex = (b) => '0x' + Buffer.from(b).toString('hex');

/** ops per second of `fn`, measured for about `ms` after a warm-up. */
function rate(fn, ms = 1500) {
  for (let i = 0; i < 20; i++) fn(i);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 10; i++) fn(n++);
  }
  return (n * 1000) / (performance.now() - start);
}

// BIP32 private derivation with noble primitives: the same algorithm in pure JS.
const N = secp.Point.CURVE().n;
const toBig = (b) => BigInt(hex(b));
function ckdPriv(key, chain, index) {
  const data = new Uint8Array(37);
  if (index >= 0x80000000) data.set(key, 1);
  else data.set(secp.getPublicKey(key, true), 0);
  new DataView(data.buffer).setUint32(33, index);
  const I = hmac(sha512, chain, data.slice(index >= 0x80000000 ? 0 : 0));
  const child = (toBig(I.slice(0, 32)) + toBig(key)) % N;
  return [secp.etc.numberToBytesBE ? secp.etc.numberToBytesBE(child) : Buffer.from(child.toString(16).padStart(64, '0'), 'hex'), I.slice(32)];
}
function nobleDerive(seedKey, seedChain, account) {
  let k = seedKey, c = seedChain;
  for (const i of [0x8000002c, 0x8000003c, 0x80000000, 0, account]) [k, c] = ckdPriv(k, c, i);
  return secp.getPublicKey(k, true);
}

const store = new jigap.MemoryStore();
const wallet = await jigap.Wallet.create(store, '123456', { kdf: jigap.kdfFastInsecure() });
const w = wallet._inner; // the synchronous wasm object: no Promise overhead in the loop
const { address, publicKey } = w.account(0);
const digest = sha256(new TextEncoder().encode('jigap bench'));
const digestHex = hex(digest);
const ourSig = w.signDigest(address, digestHex);

const nobleKey = secp.utils.randomSecretKey();
const noblePub = secp.getPublicKey(nobleKey, true);
const nobleSig = secp.sign(digest, nobleKey, { prehash: false });
const master = hmac(sha512, new TextEncoder().encode('Bitcoin seed'), new Uint8Array(64).fill(7));

const results = [
  ['ECDSA sign', rate(() => w.signDigest(address, digestHex)), rate(() => secp.sign(digest, nobleKey, { prehash: false }))],
  ['ECDSA verify', rate(() => jigap.verifyDigestSignature(publicKey, digestHex, ourSig)), rate(() => secp.verify(nobleSig, digest, noblePub, { prehash: false }))],
  ['BIP32 derive m/44\'/60\'/0\'/0/i', rate((i) => w.account(i % 1000)), rate((i) => nobleDerive(master.slice(0, 32), master.slice(32), i % 1000))],
];

// Gate verifications per second: distinct tickets, so "already entered" never answers early;
// a fresh gate (built outside the timing) for each round over the pre-generated passes.
{
  const now = Math.floor(Date.now() / 1000);
  const contract = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  const event = { id: 'BENCH', name: 'Bench', venue: 'Node', doorsOpen: now - 3600, start: now, end: now + 3600 };
  const issuer = new jigap.TicketIssuer(wallet, address);
  const tickets = new jigap.Tickets(wallet);
  const issuerId = await issuer.identity();
  await tickets.trustIssuer(issuerId);
  const holder = await tickets.holderId(address);
  const passes = [];
  for (let i = 1; i <= 300; i++) {
    const grant = await issuer.grant(holder, { chainId: 1, contract, tokenId: i, event, seat: { section: 'A', row: '1', number: String(i) } });
    passes.push((await tickets.show((await tickets.importGrant(grant)).ticket.id)).text);
  }
  const key = jigap.GateKey.generate();
  const auth = await issuer.authorizeGate(1, contract, event, key.publicKey, 'Bench');
  let n = 0, ms = 0;
  while (ms < 1500) {
    const gate = new jigap.Gate(key, { issuers: [issuerId], authorizations: [auth] })._inner;
    const start = performance.now();
    for (const p of passes) gate.verify(p);
    ms += performance.now() - start;
    n += passes.length;
    gate.free();
  }
  results.push(['Gate verify (distinct passes)', (n * 1000) / ms, NaN]);
}

if (!jigap.verifyDigestSignature(publicKey, digestHex, ourSig)) throw new Error('self-check failed');
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results.map(([name, ours, ref]) => ({ name, jigap_ops_per_s: Math.round(ours), noble_ops_per_s: Number.isNaN(ref) ? null : Math.round(ref), speedup: Number.isNaN(ref) ? null : +(ours / ref).toFixed(2) }))));
} else {
  console.log('Wasm (Node ' + process.version + ')         jigap ops/s   @noble/secp256k1 ops/s   jigap ÷ noble');
  for (const [name, ours, ref] of results) {
    if (Number.isNaN(ref)) console.log(`${name.padEnd(30)} ${Math.round(ours).toString().padStart(11)} ${'-'.padStart(24)} ${'(target ≥ 2000/s)'.padStart(15)}`);
    else console.log(`${name.padEnd(30)} ${Math.round(ours).toString().padStart(11)} ${Math.round(ref).toString().padStart(24)} ${(ours / ref).toFixed(2).padStart(14)}×`);
  }
}
wallet.free();

// ---- Credentials: SD-JWT presentation verifications per second (issuer ES256, holder ES256K,
// two disclosed claims, key binding, nonce, audience, freshness) ----
{
  const holder = await jigap.Wallet.create(new jigap.MemoryStore(), '123456', { kdf: jigap.kdfFastInsecure() });
  const credentials = new jigap.Credentials(holder);
  const issuer = new jigap.CredentialIssuer({ keyType: 'p256' });
  const sd = await issuer.issueSdJwt({
    vct: 'https://licence.example/drone',
    claims: { given_name: 'Jiwoo', family_name: 'Kim', category: 'A2', licence_expiry: '2031-01-01', licence_number: 'DR-1' },
    holderJwk: await credentials.holderJwk(),
  });
  const { id } = await credentials.import(sd);
  const presentation = await credentials.present(id, ['category', 'licence_expiry'], 'bench-nonce', 'https://verifier.example');
  const verifier = new jigap.CredentialVerifier({ nonce: 'bench-nonce', audience: 'https://verifier.example' })._inner;
  if (verifier.verifyPresentation(presentation).credentials[0].claims.category !== 'A2') throw new Error('SD-JWT self-check failed');
  const perSec = rate(() => verifier.verifyPresentation(presentation));
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ name: 'SD-JWT presentation verify', jigap_ops_per_s: Math.round(perSec) }));
  } else {
    console.log(`${'SD-JWT presentation verify'.padEnd(30)} ${Math.round(perSec).toString().padStart(11)}  (ES256 issuer, ES256K key binding, 2 disclosures)`);
  }
  holder.free();
}
