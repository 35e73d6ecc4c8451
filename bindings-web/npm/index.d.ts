// Type definitions for the `jigap` package. Names mirror the Kotlin and Swift bindings.

/** Every error jigap throws. `kind` names it as the Kotlin exception does (`WrongPin`, `CannotPay`…). */
export class JigapError extends Error {
  readonly name: 'JigapError';
  readonly kind:
    | 'InvalidInput' | 'WrongPin' | 'TooSoon' | 'LockedOut' | 'Locked' | 'Authentication' | 'NotFound'
    | 'AlreadyExists' | 'Storage' | 'Protector' | 'UnknownAccount' | 'BadSignature' | 'Untrusted'
    | 'Duplicate' | 'Expired' | 'CannotPay' | 'LimitExceeded' | 'Refused' | 'Internal' | string;
}

/** One change of a batch: `value: null` deletes `key`. */
export interface StoreOp { key: Uint8Array; value: Uint8Array | null }
export interface StoreEntry { key: Uint8Array; value: Uint8Array }

/**
 * A store: synchronous get/scan/write over byte keys; `write` applies a batch atomically;
 * `scan` returns the entries under `prefix` in byte order. An optional async `flush()` is awaited
 * after every call (how IndexedDbStore commits).
 */
export interface Store {
  get(key: Uint8Array): Uint8Array | undefined | null;
  scan(prefix: Uint8Array): StoreEntry[];
  write(ops: StoreOp[]): void;
  flush?(): Promise<void>;
}

/** A store in memory (Node, tests). */
export class MemoryStore implements Store {
  get(key: Uint8Array): Uint8Array | undefined;
  scan(prefix: Uint8Array): StoreEntry[];
  write(ops: StoreOp[]): void;
  readonly size: number;
}

/** A store in the browser's IndexedDB (loaded into memory on open, committed per batch). */
export class IndexedDbStore implements Store {
  static open(name?: string, options?: { indexedDB?: IDBFactory }): Promise<IndexedDbStore>;
  static destroy(name?: string, options?: { indexedDB?: IDBFactory }): Promise<void>;
  get(key: Uint8Array): Uint8Array | undefined;
  scan(prefix: Uint8Array): StoreEntry[];
  write(ops: StoreOp[]): void;
  flush(): Promise<void>;
  close(): void;
}

/** A platform key that wraps the vault's data key a second time (synchronous). */
export interface KeyProtector {
  id(): string;
  wrap(data: Uint8Array): Uint8Array;
  unwrap(data: Uint8Array): Uint8Array;
}

/** Argon2id parameters of the PIN key. */
/**
 * A whole number that comes from a 64-bit field (amounts, times, chain ids): a `number` up to
 * 2^53, a `bigint` above (nothing is rounded). Inputs accept either.
 */
export type U64 = number | bigint;

export interface KdfParams { mKib: number; t: number; p: number }

export interface CreateOptions {
  /** 12, 15, 18, 21 or 24 (default 12). */
  words?: number;
  /** en, ko (built in); ja, es, zh-hans, zh-hant, fr, it, cs, pt in the all-languages build. */
  language?: string;
  passphrase?: string;
  /** Default: kdfDefault(). */
  kdf?: KdfParams;
}

export interface Account { address: string; publicKey: string; path: string | null }
export interface Identity { did: string; publicKey: string; path: string }
export interface TypedSignature { digest: string; signature: string }

/** A wallet: keys in an encrypted vault on a store. */
export class Wallet {
  static create(store: Store, pin: string, options?: CreateOptions, protector?: KeyProtector): Promise<Wallet>;
  static restore(store: Store, pin: string, mnemonic: string, options?: { passphrase?: string; kdf?: KdfParams; protector?: KeyProtector }): Promise<Wallet>;
  static open(store: Store, options?: { kdf?: KdfParams; protector?: KeyProtector }): Promise<Wallet>;
  /** `secret`: the backup code or passphrase (an old-format backup: its PIN); `pin`: the PIN on this device. */
  static restoreBackup(store: Store, backup: Uint8Array, secret: string, pin: string, options?: { kdf?: KdfParams; protector?: KeyProtector }): Promise<Wallet>;
  readonly store: Store;
  unlock(pin: string): Promise<void>;
  lock(): void;
  isUnlocked(): boolean;
  attemptsLeft(): Promise<number>;
  changePin(oldPin: string, newPin: string): Promise<void>;
  exportMnemonic(pin: string): Promise<string>;
  /** A backup under a new code (`code`: show it once) or under `passphrase` (refused if guessable). */
  backup(pin: string, passphrase?: string): Promise<WalletBackup>;
  /** Change the PIN and replace the data key, re-encrypting every record. */
  rekey(oldPin: string, newPin: string): Promise<void>;
  kdfParams(): KdfParams;
  accounts(): Promise<Account[]>;
  account(index?: number): Promise<Account>;
  addAccount(): Promise<Account>;
  identity(index?: number): Promise<Identity>;
  signMessage(address: string, message: Uint8Array | string): Promise<string>;
  signTypedData(address: string, typedData: string | object): Promise<TypedSignature>;
  signDigest(address: string, digest: string): Promise<string>;
  importKeystore(json: string, password: string): Promise<Account>;
  exportKeystore(address: string, password: string, kdf?: 'scrypt' | 'pbkdf2' | 'scrypt-light'): Promise<string>;
  free(): void;
}

export function validateMnemonic(mnemonic: string, language?: string): { language: string; words: number };
export function checksumAddress(address: string): string;
export function recoverMessageSigner(message: Uint8Array | string, signature: string): string;
export function typedDataDigest(typedData: string | object): string;
export function recoverTypedDataSigner(typedData: string | object, signature: string): string;
export function verifyDigestSignature(publicKey: string, digest: string, signature: string): boolean;
export function keystoreAddress(json: string, password: string): string;
/** What a backup file needs to be restored (read without any secret). */
export function inspectBackup(backup: Uint8Array): BackupInfo;

/** A backup file and, when a code protects it, the code (8 groups of 4 digits) to show once. */
export interface WalletBackup { bytes: Uint8Array; code?: string }
/** What a backup file says about itself. `weak`: an old backup protected by the PIN alone. */
export interface BackupInfo { format: number; protection: 'code' | 'passphrase' | 'pin'; records: number; createdAtMs: number; weak: boolean }
export function kdfDefault(): KdfParams;
export function kdfFastInsecure(): KdfParams;
export function calibrateKdf(targetMs?: number, maxMemoryKib?: number): KdfParams;
export function checkStoreConformance(store: Store): void;
export function jigapVersion(): string;
/** A QR code (error correction M): an SVG and the module matrix (1 = dark) for a canvas. */
export function qrCode(text: string, modulePx?: number): { size: number; version: number; svg: string; modules: Uint8Array };

// ---- Vouchers ----

export interface VoucherDomain { chainId: U64; verifyingContract: string }
export function voucherDemoDomain(): VoucherDomain;

export interface TrustedIssuer { address: string; name: string; currency: string; holdingCap?: U64; offlineAllowance?: U64 }

export interface VoucherInfo {
  id: string; issuer: string; issuerName: string; holder: string; currency: string;
  amount: U64; remaining: U64; reserved: U64; settled: U64; refunded: U64;
  spendable: U64; forfeited: U64;
  status: 'active' | 'not_yet_valid' | 'expired' | 'used' | 'empty';
  categories: number[]; merchants: string[]; regions: string[]; validFrom: U64; validUntil: U64;
  hoursStart: number; hoursEnd: number; utcOffsetMinutes: number;
  minPayment: U64; maxPayment: U64; dailyLimit: U64; singleUse: boolean;
}
export interface VoucherBalance { currency: string; spendable: U64; reserved: U64; vouchers: number }
export interface VoucherAllocation { voucherId: string; amount: U64 }
export interface VoucherQuote {
  payable: boolean; merchantName: string; amount: U64; currency: string; missing: U64; holder: string | null;
  allocations: VoucherAllocation[];
  unusable: { voucherId: string; reason: string; message: string }[];
}
export interface VoucherPayment {
  qr: string; redemptionHash: string; repeated: boolean; holder: string; sequence: U64;
  allocations: VoucherAllocation[]; signature: string; typedData: object;
}
export interface VoucherEvent {
  seq: U64; at: U64;
  kind: 'imported' | 'reserved' | 'settled' | 'rejected' | 'released' | 'late_settled' | 'conflict' | 'refunded';
  voucherId: string; amount: U64; currency: string; counterparty: string; counterpartyName: string;
  reference: string | null; note: string;
}

/** The voucher side of a wallet. */
export class Vouchers {
  constructor(wallet: Wallet, domain?: VoucherDomain);
  setTrustedIssuers(issuers: TrustedIssuer[]): Promise<void>;
  trustedIssuers(): Promise<TrustedIssuer[]>;
  importGrant(grant: string): Promise<VoucherInfo>;
  vouchers(): Promise<VoucherInfo[]>;
  voucher(id: string): Promise<VoucherInfo>;
  balances(): Promise<VoucherBalance[]>;
  quote(request: string): Promise<VoucherQuote>;
  pay(request: string): Promise<VoucherPayment>;
  applySettlement(settlement: string): Promise<'settled' | 'rejected' | 'late_settled' | 'already_applied' | string>;
  applyRefund(refund: string): Promise<boolean>;
  releaseExpired(): Promise<number>;
  history(filter?: { voucherId?: string; from?: number; until?: number }): Promise<VoucherEvent[]>;
  paymentStatus(redemptionHash: string): Promise<{ issuer: string; status: string }[]>;
  free(): void;
}

export interface PaymentRequestInfo { qr: string; id: string; merchant: string; amount: U64; currency: string; expiresAt: U64 }
export interface AcceptedPayment { holder: string; total: U64; redemptionHash: string; allocations: VoucherAllocation[] }

/** A shop. */
export class MerchantDesk {
  constructor(wallet: Wallet, options: { merchant: string; name: string; category: number; region: string; trustedIssuers: string[]; domain?: VoucherDomain });
  createRequest(amount: U64, currency?: string, ttlSecs?: U64): Promise<PaymentRequestInfo>;
  accept(request: string, payment: string): Promise<AcceptedPayment>;
  free(): void;
}

export interface GrantSpec {
  holder: string; amount: U64; currency?: string; validFrom: U64; validUntil: U64; id?: string;
  categories?: number[]; merchants?: string[]; regions?: string[]; hoursStart?: number; hoursEnd?: number;
  utcOffsetMinutes?: number; minPayment?: U64; maxPayment?: U64; dailyLimit?: U64; singleUse?: boolean;
}

/** An issuer for tests, pilots and demos. */
export class VoucherIssuer {
  constructor(wallet: Wallet, issuer: string, domain?: VoucherDomain);
  grant(spec: GrantSpec): Promise<string>;
  settle(payment: string, rejectReason?: string): Promise<string>;
  refund(voucherId: string, amount: U64): Promise<string>;
  detectDoubleSpends(payments: string[]): Promise<{ kind: string; detail: string }[]>;
  free(): void;
}

export * from './tickets.js';
export * from './credentials.js';
