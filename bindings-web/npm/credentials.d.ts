// Types of credentials.js. Names mirror the Kotlin and Swift bindings.
import type { U64, Wallet } from './index.js';

export type CredentialFormat = 'jwt_vc' | 'vc+jwt' | 'dc+sd-jwt' | 'sd-jwt' | 'eddsa-jcs-2022' | 'jwt_vp';
export type CredentialValidity = 'valid' | 'expired' | 'not_yet_valid';
/** `valid`, `revoked`, `suspended`, or the purpose of another flagged status (`message`…). */
export type CredentialStatus = 'valid' | 'revoked' | 'suspended' | (string & {});
/** Any JSON object (claims, JWKs, DID documents). */
export type JsonObject = { [key: string]: unknown };
/** A clock: milliseconds since 1970 (a function, or an object with `nowMs()`). */
export type CredentialClock = (() => number) | { nowMs(): number };

/** A credential's pointer into a status list. */
export interface CredentialStatusEntry { purpose: string; index: U64; listUrl: string; size: number }

/** What a wallet shows of an Open Badge. */
export interface OpenBadge {
  name: string; achievementId: string; achievementName: string; description: string;
  criteriaNarrative: string | null; criteriaUrl: string | null; image: string | null;
  issuerId: string; issuerName: string | null; issued: string; expires: string | null;
}

/** A credential in the wallet. */
export interface StoredCredential {
  id: string; format: CredentialFormat; types: string[]; name: string;
  issuer: string; issuerName: string | null; subject: string | null;
  validFrom: U64 | null; validUntil: U64 | null; validity: CredentialValidity; importedAt: U64;
  badge: OpenBadge | null;
  /** All claims (for SD-JWT: everything the holder can disclose). */
  claims: JsonObject;
  /** SD-JWT: the claim paths the holder may disclose. */
  disclosable: string[];
  bound: boolean;
  statusEntry: CredentialStatusEntry | null;
  lastStatus: CredentialStatus | null;
  warnings: string[];
  raw: string;
}

/** Keys of an issuer named by URL: a JWK, a JWK set, or issuer metadata with `jwks`. */
export interface IssuerKeys { issuer: string; jwks: JsonObject | string }

/** Where keys of issuers that are not did:key / did:jwk come from, and whom to trust. */
export interface CredentialTrustOptions {
  /** Issuer ids (DIDs or URLs) the app trusts. */
  trustedIssuers?: string[];
  /** Refuse issuers not on `trustedIssuers` (otherwise accepted with a warning). */
  requireTrusted?: boolean;
  /** DID documents the app fetched (did:web…). */
  didDocuments?: (JsonObject | string)[];
  issuerKeys?: IssuerKeys[];
}

export interface CredentialImportOptions extends CredentialTrustOptions {
  /** Keep credentials bound to no one (bearer credentials), with a warning. */
  allowUnbound?: boolean;
}

export interface CredentialFilter {
  /** A type, exactly (`OpenBadgeCredential`, or a `vct`). */
  type?: string;
  /** Issuer id or name (substring). */
  issuer?: string;
  /** Achievement or credential name (substring). */
  achievement?: string;
  validity?: CredentialValidity;
}

/** The credentials of a wallet. */
export class Credentials {
  constructor(wallet: Wallet, options?: { clock?: CredentialClock });
  /** The holder DID (did:key of identity key 0): the subject of badges issued to this wallet. */
  holderDid(): Promise<string>;
  /** The holder's public JWK, for an issuer's `cnf` (SD-JWT key binding). */
  holderJwk(): Promise<JsonObject>;
  /** Verify (signature, dates, badge rules, trust, holder binding) and store. */
  import(credential: string, options?: CredentialImportOptions): Promise<StoredCredential>;
  list(filter?: CredentialFilter): Promise<StoredCredential[]>;
  get(id: string): Promise<StoredCredential>;
  delete(id: string): Promise<void>;
  /** An SD-JWT disclosing only `disclose` with key binding; other formats as a JWT VP (`disclose` empty). */
  present(id: string, disclose: string[], nonce: string, audience: string): Promise<string>;
  presentJwtVp(ids: string[], nonce: string, audience: string): Promise<string>;
  checkStatus(id: string, statusListCredential: string, options?: { didDocuments?: (JsonObject | string)[] }): Promise<CredentialStatus>;
  free(): void;
}

export interface CredentialVerifierOptions extends CredentialTrustOptions {
  /** The nonce the verifier sent (fresh per request). */
  nonce: string;
  /** The verifier's identifier (`aud`). */
  audience: string;
  /** How old a presentation may be (default 300 s). */
  maxAgeSecs?: U64;
  /** Status list credentials the app fetched, by URL. */
  statusLists?: { [url: string]: string };
  /** Refuse a credential whose status list was not supplied. */
  requireStatus?: boolean;
  clock?: CredentialClock;
}

export interface PresentedCredential {
  format: CredentialFormat; issuer: string; types: string[];
  /** Only what the holder disclosed. */
  claims: JsonObject;
  status: CredentialStatus | null;
  badge: OpenBadge | null;
  validUntil: U64 | null;
}

export interface VerifiedPresentation {
  format: CredentialFormat;
  /** A DID, or the JSON of the SD-JWT's `cnf` JWK. */
  holder: string;
  credentials: PresentedCredential[];
  warnings: string[];
}

/** A verifier. Failures reject with a JigapError: BadSignature, Refused (nonce, audience, revoked…), Expired, Untrusted. */
export class CredentialVerifier {
  constructor(options: CredentialVerifierOptions);
  verifyPresentation(presentation: string): Promise<VerifiedPresentation>;
  free(): void;
}
export function verifyPresentation(presentation: string, options: CredentialVerifierOptions): Promise<VerifiedPresentation>;

export interface BadgeInput {
  name: string; achievementName: string; description: string;
  /** The earner: `await credentials.holderDid()`. */
  subject: string;
  criteriaNarrative?: string; criteriaUrl?: string; image?: string; achievementId?: string;
  validFrom?: U64; validUntil?: U64;
  status?: Partial<CredentialStatusEntry> & { index: U64; listUrl: string };
  format?: 'jwt_vc' | 'vc+jwt' | 'eddsa-jcs-2022';
}

export interface SdJwtInput {
  vct: string;
  claims: JsonObject;
  /** `await credentials.holderJwk()`. */
  holderJwk?: JsonObject | string | null;
  /** Default: every top-level claim. */
  disclosable?: string[];
  issuedAt?: U64; expiresAt?: U64;
  status?: Partial<CredentialStatusEntry> & { index: U64; listUrl: string };
}

export interface StatusListInput {
  url: string;
  purpose?: 'revocation' | 'suspension';
  /** Revoked (or suspended) indices. */
  set?: number[];
  entries?: U64; validFrom?: U64; validUntil?: U64;
}

/** An issuer for tests and demos. */
export class CredentialIssuer {
  constructor(options?: { keyType?: 'ES256K' | 'ES256' | 'EdDSA'; seed?: Uint8Array; id?: string; kid?: string; name?: string; clock?: CredentialClock });
  readonly id: string;
  readonly kid: string;
  readonly publicJwk: JsonObject;
  issueBadge(input: BadgeInput): Promise<string>;
  issueSdJwt(input: SdJwtInput): Promise<string>;
  issueJwtVc(credential: JsonObject): Promise<string>;
  issueStatusList(input: StatusListInput): Promise<string>;
  free(): void;
}
