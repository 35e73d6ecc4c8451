// Compiled with `tsc --noEmit --strict` in CI: the credentials API as a TypeScript app sees it.
import {
  Wallet, MemoryStore, JigapError, kdfFastInsecure,
  Credentials, CredentialIssuer, CredentialVerifier, verifyPresentation,
  type StoredCredential, type VerifiedPresentation, type CredentialStatus, type OpenBadge,
} from 'jigap';

async function credentialsQuickstart(): Promise<string[]> {
  const wallet = await Wallet.create(new MemoryStore(), '246810', { kdf: kdfFastInsecure() });
  const credentials = new Credentials(wallet);
  const issuer = new CredentialIssuer({ keyType: 'p256', name: 'MOLIT' });

  // Issuer → holder: an SD-JWT drone licence, every claim selectively disclosable.
  const sdJwt: string = await issuer.issueSdJwt({
    vct: 'https://licence.molit.example.kr/drone-pilot',
    claims: { given_name: 'Jiwoo', category: 'A2', licence_expiry: '2031-01-01' },
    holderJwk: await credentials.holderJwk(),
    expiresAt: Math.floor(Date.now() / 1000) + 365 * 86400,
  });
  const stored: StoredCredential = await credentials.import(sdJwt, { trustedIssuers: [issuer.id], requireTrusted: true });

  // Holder → verifier: only two claims, bound to the verifier's nonce and audience.
  const presentation = await credentials.present(stored.id, ['category', 'licence_expiry'], 'nonce-1', 'https://inspector.example');
  const verifier = new CredentialVerifier({ nonce: 'nonce-1', audience: 'https://inspector.example', trustedIssuers: [issuer.id] });
  const result: VerifiedPresentation = await verifier.verifyPresentation(presentation);
  const category = result.credentials[0].claims['category'];

  // Badges, search, status, errors.
  const badgeJwt = await issuer.issueBadge({
    name: 'Drone safety', achievementName: 'Drone Safety Basics', description: 'd',
    subject: await credentials.holderDid(), criteriaNarrative: 'Pass the test', format: 'vc+jwt',
  });
  const badge: OpenBadge | undefined = (await credentials.import(badgeJwt)).badge;
  const expired = await credentials.list({ validity: 'expired', credentialType: 'OpenBadgeCredential', issuer: 'MOLIT', achievement: 'safety' });
  const list = await issuer.issueStatusList({ url: 'https://molit.example/status/1', purpose: 'revocation', set: [3] });
  const status: CredentialStatus = await credentials.checkStatus(stored.id, list);
  const clock = () => Date.now() + 86_400_000;
  const later = new Credentials(wallet, { clock });
  try {
    await verifyPresentation(presentation, { nonce: 'other', audience: 'https://inspector.example', statusLists: { 'https://molit.example/status/1': list } });
  } catch (e) {
    if (e instanceof JigapError && (e.kind === 'Refused' || e.kind === 'Expired')) console.log(e.message);
  }
  const vp: string = await later.presentJwtVp([stored.id], 'n', 'aud');
  const did: string = new CredentialIssuer({ keyType: 'ed25519', seed: new Uint8Array(32), id: 'did:web:x.example', clock: { nowMs: () => Date.now() } }).kid;
  await credentials.delete(stored.id);
  const jwk = issuer.publicJwk;
  return [String(category), badge?.achievementName ?? '', String(expired.length), typeof status === 'string' ? status : status.flagged.purpose, vp, did, String(jwk['kty']), JSON.stringify(result.warnings)];
}
void credentialsQuickstart;
