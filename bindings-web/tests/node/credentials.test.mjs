// Credential flows from JavaScript, mirroring CredentialTest.kt: a drone licence as an SD-JWT VC
// presented with two claims, replays and tampering refused, expiry, revocation, Open Badges,
// JWT VPs, a did:web issuer.
import assert from 'node:assert/strict';
import { jigap, testOf } from './package.mjs';

const test = testOf('credentials');

const { Wallet, MemoryStore, Credentials, CredentialVerifier, CredentialIssuer, verifyPresentation } = jigap;
const FAST = jigap.kdfFastInsecure();
const now = Math.floor(Date.now() / 1000);
const INSPECTOR = 'https://inspector.molit.example.kr';
const VCT = 'https://licence.molit.example.kr/drone-pilot';
const STATUS_URL = 'https://licence.molit.example.kr/status/1';
const REGISTERED = ['iss', 'iat', 'exp', 'vct', 'cnf', 'credentialStatus'];

/** A clock the test moves. */
function movableClock() {
  let ms = Date.now();
  const clock = () => ms;
  clock.advanceDays = (d) => { ms += d * 86_400_000; };
  return clock;
}

async function setup(clock) {
  const wallet = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const credentials = new Credentials(wallet, { clock });
  const molit = new CredentialIssuer({ keyType: 'p256', name: 'MOLIT drone licensing' });
  const academy = new CredentialIssuer({ keyType: 'ed25519', name: 'Korea Drone Academy' });
  const licence = async ({ expiresAt = now + 365 * 86400, statusIndex } = {}) => molit.issueSdJwt({
    vct: VCT,
    claims: { given_name: 'Jiwoo', family_name: 'Kim', category: 'A2', licence_expiry: '2031-01-01', licence_number: 'DR-2026-0042' },
    holderJwk: await credentials.holderJwk(),
    expiresAt,
    status: statusIndex === undefined ? undefined : { purpose: 'revocation', index: statusIndex, listUrl: STATUS_URL },
  });
  return { wallet, credentials, molit, academy, licence };
}

const verifier = (nonce, extra = {}) => new CredentialVerifier({ nonce, audience: INSPECTOR, ...extra });

test('SD-JWT licence: import, search, disclose exactly two claims', async () => {
  const s = await setup();
  assert.match(await s.credentials.holderDid(), /^did:key:zQ3s/);
  const stored = await s.credentials.import(await s.licence(), { trustedIssuers: [s.molit.id], requireTrusted: true });
  assert.equal(stored.format, 'dc+sd-jwt');
  assert.deepEqual(stored.types, [VCT]);
  assert.equal(stored.issuer, s.molit.id);
  assert.equal(stored.bound, true);
  assert.equal(stored.validity, 'valid');
  assert.equal(stored.claims.licence_number, 'DR-2026-0042');
  assert.ok(stored.disclosable.includes('category'));
  assert.deepEqual(stored.warnings, []);

  assert.deepEqual((await s.credentials.list()).map((c) => c.id), [stored.id]);
  assert.equal((await s.credentials.list({ credentialType: VCT })).length, 1);
  assert.equal((await s.credentials.list({ issuer: s.molit.id.slice(0, 20), validity: 'valid' })).length, 1);
  assert.equal((await s.credentials.list({ credentialType: 'OpenBadgeCredential' })).length, 0);
  assert.deepEqual(await s.credentials.get(stored.id), stored);

  const presentation = await s.credentials.present(stored.id, ['category', 'licence_expiry'], 'n-1', INSPECTOR);
  const v = await verifier('n-1').verifyPresentation(presentation);
  assert.equal(v.format, 'dc+sd-jwt');
  assert.deepEqual(JSON.parse(v.holder), await s.credentials.holderJwk());
  const [seen] = v.credentials;
  assert.equal(seen.issuer, s.molit.id);
  const disclosed = Object.keys(seen.claims).filter((k) => !REGISTERED.includes(k)).sort();
  assert.deepEqual(disclosed, ['category', 'licence_expiry']);
  assert.equal(seen.claims.category, 'A2');
  assert.equal(seen.claims.licence_expiry, '2031-01-01');
  assert.equal((await verifyPresentation(presentation, { nonce: 'n-1', audience: INSPECTOR })).credentials[0].claims.category, 'A2');

  await assert.rejects(s.credentials.present(stored.id, ['blood_type'], 'n-1', INSPECTOR), { kind: 'InvalidInput' });
  const other = await setup();
  await assert.rejects(other.credentials.import(await other.licence(), { trustedIssuers: [s.molit.id], requireTrusted: true }), { kind: 'Untrusted' });
  assert.equal((await other.credentials.import(await other.licence())).warnings.length, 1);
});

test('replays and tampered disclosures are refused', async () => {
  const s = await setup();
  const issued = await s.licence();
  const { id } = await s.credentials.import(issued);
  const p = await s.credentials.present(id, ['category', 'licence_expiry'], 'n-2', INSPECTOR);
  await verifier('n-2').verifyPresentation(p);

  await assert.rejects(verifier('n-3').verifyPresentation(p), (e) => e.kind === 'Refused' && e.message.includes('nonce'));
  await assert.rejects(new CredentialVerifier({ nonce: 'n-2', audience: 'https://shop.example' }).verifyPresentation(p),
    (e) => e.kind === 'Refused' && e.message.includes('audience'));

  const parts = p.split('~');
  assert.equal(parts.length, 4);
  const removed = [parts[0], parts[2], parts[3]].join('~');
  await assert.rejects(verifier('n-2').verifyPresentation(removed), (e) => e.kind === 'Refused' && e.message.includes('sd_hash'));
  const givenName = issued.split('~').slice(1).filter(Boolean)
    .find((d) => Buffer.from(d, 'base64url').toString().includes('"given_name"'));
  const added = [...parts.slice(0, -1), givenName, parts.at(-1)].join('~');
  await assert.rejects(verifier('n-2').verifyPresentation(added), { kind: 'Refused' });
  const fake = Buffer.from('["c2FsdA","category","C"]').toString('base64url');
  const altered = [parts[0], fake, parts[2], parts[3]].join('~');
  await assert.rejects(verifier('n-2').verifyPresentation(altered), (e) => e.kind === 'BadSignature' && e.message.includes('disclosure'));
  await assert.rejects(verifier('n-2').verifyPresentation(parts.slice(0, -1).join('~') + '~'), { kind: 'Refused' });
  await assert.rejects(verifier('n-2').verifyPresentation('not a presentation'), { kind: 'InvalidInput' });
});

test('an expired licence is reported by the moved clock', async () => {
  const clock = movableClock();
  const s = await setup(clock);
  const { id } = await s.credentials.import(await s.licence({ expiresAt: now + 86400 }));
  clock.advanceDays(2);
  assert.equal((await s.credentials.get(id)).validity, 'expired');
  assert.deepEqual((await s.credentials.list({ validity: 'expired' })).map((c) => c.id), [id]);
  const p = await s.credentials.present(id, ['category'], 'n-4', INSPECTOR);
  await assert.rejects(verifier('n-4', { clock }).verifyPresentation(p), (e) => e.kind === 'Expired' && e.message.includes('expired'));
  // A presentation older than the verifier's window.
  const fresh = await setup();
  const p2 = await fresh.credentials.present((await fresh.credentials.import(await fresh.licence())).id, ['category'], 'n-5', INSPECTOR);
  const later = movableClock();
  later.advanceDays(1);
  await assert.rejects(verifier('n-5', { clock: later }).verifyPresentation(p2), { kind: 'Expired' });
  assert.throws(() => new Credentials(s.wallet, { clock: 'soon' }), { kind: 'InvalidInput' });
});

test('a revoked licence is reported from the status list', async () => {
  const s = await setup();
  const good = (await s.credentials.import(await s.licence({ statusIndex: 7 }))).id;
  const bad = await s.credentials.import(await s.licence({ statusIndex: 94567 }));
  assert.deepEqual(bad.status, { purpose: 'revocation', index: 94567, listUrl: STATUS_URL, size: 1 });
  const list = await s.molit.issueStatusList({ url: STATUS_URL, set: [94567, 3] });
  assert.equal(await s.credentials.checkStatus(good, list), 'valid');
  assert.equal(await s.credentials.checkStatus(bad.id, list), 'revoked');
  assert.equal((await s.credentials.get(bad.id)).lastStatus, 'revoked');

  const statusLists = { [STATUS_URL]: list };
  const ok = await verifier('n-6', { statusLists }).verifyPresentation(await s.credentials.present(good, ['category'], 'n-6', INSPECTOR));
  assert.equal(ok.credentials[0].status, 'valid');
  await assert.rejects(verifier('n-6', { statusLists }).verifyPresentation(await s.credentials.present(bad.id, ['category'], 'n-6', INSPECTOR)),
    (e) => e.kind === 'Refused' && e.message.includes('revoked'));
  const unchecked = await verifier('n-7').verifyPresentation(await s.credentials.present(good, ['category'], 'n-7', INSPECTOR));
  assert.ok(unchecked.warnings.some((w) => w.includes('status not checked')));
  await assert.rejects(verifier('n-7', { requireStatus: true }).verifyPresentation(await s.credentials.present(good, ['category'], 'n-7', INSPECTOR)), { kind: 'Refused' });
  const foreign = await s.academy.issueStatusList({ url: STATUS_URL });
  await assert.rejects(s.credentials.checkStatus(good, foreign), { kind: 'Refused' });
});

test('an Open Badge shows achievement and issuer; incomplete badges are rejected', async () => {
  const s = await setup();
  const me = await s.credentials.holderDid();
  const badge = await s.academy.issueBadge({
    name: 'Drone safety, level 1', achievementName: 'Drone Safety Basics', description: 'Safe flight near people and airports',
    subject: me, criteriaNarrative: 'Pass the 20-question theory test and a practical flight.', image: 'https://academy.example.kr/badges/safety.png',
  });
  const stored = await s.credentials.import(badge);
  assert.equal(stored.format, 'jwt_vc');
  assert.equal(stored.subject, me);
  assert.equal(stored.issuerName, 'Korea Drone Academy');
  assert.equal(stored.badge.achievementName, 'Drone Safety Basics');
  assert.equal(stored.badge.issuerName, 'Korea Drone Academy');
  assert.equal(stored.badge.image, 'https://academy.example.kr/badges/safety.png');
  assert.match(stored.badge.criteria.narrative, /theory test/);
  assert.deepEqual((await s.credentials.list({ achievement: 'safety basics' })).map((c) => c.id), [stored.id]);
  assert.equal((await s.credentials.list({ credentialType: 'OpenBadgeCredential', issuer: 'drone academy' })).length, 1);

  const noCriteria = await s.academy.issueJwtVc({
    '@context': ['https://www.w3.org/ns/credentials/v2'], id: 'urn:uuid:1', type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'No criteria', validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: me, type: ['AchievementSubject'], achievement: { id: 'https://x.example/a', type: ['Achievement'], name: 'A', description: 'd' } },
  });
  await assert.rejects(s.credentials.import(noCriteria), (e) => e.kind === 'InvalidInput' && e.message.includes('criteria'));
  await assert.rejects(s.academy.issueBadge({ name: 'x', achievementName: 'x', description: 'x', subject: me }), { kind: 'InvalidInput' });
  const stranger = await (await setup()).credentials.holderDid();
  await assert.rejects(s.credentials.import(await s.academy.issueBadge({ name: 'x', achievementName: 'x', description: 'x', subject: stranger, criteriaNarrative: 'x' })), { kind: 'Refused' });
  assert.equal((await s.credentials.list()).length, 1);
});

test('a JWT VP of two badges round-trips; delete removes', async () => {
  const s = await setup();
  const me = await s.credentials.holderDid();
  const badge = async (name, format) => (await s.credentials.import(await s.academy.issueBadge({
    name, achievementName: name, description: 'd', subject: me, criteriaUrl: 'https://academy.example.kr/c', format,
  }))).id;
  const first = await badge('Theory');
  const second = await badge('Night flight', 'eddsa-jcs-2022');
  const vp = await s.credentials.presentJwtVp([first, second], 'n-8', INSPECTOR);
  const v = await verifier('n-8').verifyPresentation(vp);
  assert.equal(v.format, 'jwt_vp');
  assert.equal(v.holder, me);
  assert.deepEqual(v.credentials.map((c) => c.badge.achievementName), ['Theory', 'Night flight']);
  assert.deepEqual(v.credentials.map((c) => c.format), ['jwt_vc', 'eddsa-jcs-2022']);
  assert.equal((await verifier('n-9').verifyPresentation(await s.credentials.present(first, [], 'n-9', INSPECTOR))).format, 'jwt_vp');
  await assert.rejects(s.credentials.present(first, ['name'], 'n-9', INSPECTOR), { kind: 'InvalidInput' });
  await assert.rejects(verifier('n-other').verifyPresentation(vp), { kind: 'Refused' });

  await s.credentials.delete(first);
  assert.deepEqual((await s.credentials.list()).map((c) => c.id), [second]);
  await assert.rejects(s.credentials.get(first), { kind: 'NotFound' });
  await assert.rejects(s.credentials.delete(first), { kind: 'NotFound' });
});

test('a did:web issuer verified with the DID document the app supplies', async () => {
  const s = await setup();
  const did = 'did:web:licence.molit.example.kr';
  const seed = new Uint8Array(32).fill(7);
  const issuer = new CredentialIssuer({ keyType: 'secp256k1', seed, id: did });
  assert.equal(issuer.kid, `${did}#key-1`);
  const doc = {
    id: did,
    verificationMethod: [{ id: `${did}#key-1`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: issuer.publicJwk }],
    assertionMethod: [`${did}#key-1`],
  };
  const sd = await issuer.issueSdJwt({ vct: VCT, claims: { category: 'A1' }, holderJwk: await s.credentials.holderJwk() });
  await assert.rejects(s.credentials.import(sd), (e) => e.kind === 'InvalidInput' && e.message.includes('DID document'));
  const stored = await s.credentials.import(sd, { didDocuments: [doc], trustedIssuers: [did], requireTrusted: true });
  assert.equal(stored.issuer, did);
  const p = await s.credentials.present(stored.id, ['category'], 'n-10', INSPECTOR);
  await assert.rejects(verifier('n-10').verifyPresentation(p), { kind: 'InvalidInput' });
  await assert.rejects(verifier('n-10', { didDocuments: [doc], requireTrusted: true }).verifyPresentation(p), { kind: 'Untrusted' });
  const v = await verifier('n-10', { didDocuments: [doc], trustedIssuers: [did], requireTrusted: true }).verifyPresentation(p);
  assert.equal(v.credentials[0].claims.category, 'A1');
  assert.deepEqual(new CredentialIssuer({ keyType: 'secp256k1', seed }).publicJwk, issuer.publicJwk);
});
