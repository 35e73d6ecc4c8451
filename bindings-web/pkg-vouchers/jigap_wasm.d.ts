/* tslint:disable */
/* eslint-disable */

/** EIP-55 checksummed Ethereum address. */
export type Address = string;
/** 32 bytes as `0x` + 64 hex digits (ids, digests, Ed25519 keys). */
export type Bytes32 = string;
/** 65-byte ECDSA signature `r‖s‖v` as `0x` hex. */
export type Signature = string;
/** Compressed secp256k1 public key as `0x` hex. */
export type PublicKey = string;
/** Any JSON object (claims, a JWK, a credential). */
export type JsonObject = { [key: string]: unknown };
/** A BIP32 derivation path such as `m/44'/60'/0'/0/0`. */
export type DerivationPath = string;
/** A BIP39 wordlist code: en, ko, ja, es, zh-hans, zh-hant, fr, it, cs, pt. */
export type Language = string;
/** A whole number from a 64-bit field: a `number` up to 2^53, a `bigint` above (never rounded). Inputs take either. */
export type U64 = number | bigint;



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
/** A platform key that wraps the vault's data key a second time (synchronous). */
export interface KeyProtector {
    id(): string;
    wrap(data: Uint8Array): Uint8Array;
    unwrap(data: Uint8Array): Uint8Array;
}
/** A clock: milliseconds since 1970 (a function, or an object with `nowMs()`). */
export type Clock = (() => number) | { nowMs(): number };


/**
 * A QR code as a square matrix of dark (`true`) and light modules.
 */
export interface QrImage {
    /**
     * Modules per side.
     */
    size: number;
    /**
     * QR version (1–40).
     */
    version: number;
    /**
     * Row-major, `size × size`; `true` is dark.
     */
    modules: boolean[];
}

/**
 * A QR code to show: its modules (for native drawing) and an SVG.
 */
export interface QrCode {
    /**
     * Modules per side.
     */
    size: number;
    /**
     * QR version (1–40).
     */
    version: number;
    /**
     * Row-major `size × size`; `true` is dark. Draw with the platform's graphics.
     */
    modules: boolean[];
    /**
     * An SVG rendering with a quiet zone.
     */
    svg: string;
}

/**
 * A backup file and, when a code protects it, the code (8 groups of 4 digits) to show the
 * user once: the form apps receive (see [`Backup`]).
 */
export interface WalletBackup {
    /**
     * The encrypted file.
     */
    bytes: Uint8Array;
    /**
     * The backup code: show it once, never store it with the file. `None` when a passphrase
     * protects the backup.
     */
    code: string | undefined;
}

/**
 * A double spend found in a batch of redemptions. Serialises as `{"kind": "over_allocated",
 * "voucher": …}` (the CLI's `--json` and the TypeScript type alike).
 */
export type DoubleSpend = { kind: "over_allocated"; voucher: Bytes32; allocated: U64; available: U64 } | { kind: "sequence_reused"; holder: Address; sequence: U64 } | { kind: "single_use_reused"; voucher: Bytes32 } | { kind: "bad_signature"; redemption: Bytes32 } | { kind: "bad_grant"; voucher: Bytes32; redemption: Bytes32 };

/**
 * A payment the shop accepted.
 */
export interface AcceptedPayment {
    /**
     * The customer's account.
     */
    holder: Address;
    /**
     * Total.
     */
    total: U64;
    /**
     * The redemption hash, to forward for settlement.
     */
    redemptionHash: Bytes32;
    /**
     * Vouchers and amounts.
     */
    allocations: VoucherAllocation[];
}

/**
 * A signed payment request, with its QR text.
 */
export interface PaymentRequestInfo {
    /**
     * `JGPR:…` for the QR code.
     */
    qr: string;
    /**
     * Request id.
     */
    id: Bytes32;
    /**
     * The shop.
     */
    merchant: Address;
    /**
     * Amount.
     */
    amount: U64;
    /**
     * Currency.
     */
    currency: string;
    /**
     * Expiry (Unix seconds).
     */
    expiresAt: U64;
}

/**
 * A signed payment to show the merchant.
 */
export interface VoucherPayment {
    /**
     * `JGRD:…` for the QR code.
     */
    qr: string;
    /**
     * Redemption hash (settlements refer to it).
     */
    redemptionHash: Bytes32;
    /**
     * The request was paid before: the same payment, nothing more reserved.
     */
    repeated: boolean;
    /**
     * Paying account.
     */
    holder: Address;
    /**
     * Per-holder sequence number.
     */
    sequence: U64;
    /**
     * Vouchers and amounts.
     */
    allocations: VoucherAllocation[];
    /**
     * The holder's EIP-712 signature.
     */
    signature: Signature;
    /**
     * The signed redemption as `eth_signTypedData_v4` JSON (for a server or a contract).
     */
    typedDataJson: string;
}

/**
 * A signing account.
 */
export interface Account {
    /**
     * Its address.
     */
    address: Address;
    /**
     * Its public key.
     */
    publicKey: PublicKey;
    /**
     * Derivation path, or `None` for an imported key.
     */
    path: DerivationPath | undefined;
}

/**
 * A voucher as the app shows it: the grant's terms and purpose, and its ledger.
 */
export interface VoucherView {
    /**
     * Voucher id.
     */
    id: Bytes32;
    /**
     * Issuer.
     */
    issuer: Address;
    /**
     * Issuer name from the app's configuration (or the address).
     */
    issuerName: string;
    /**
     * Holder account.
     */
    holder: Address;
    /**
     * Currency.
     */
    currency: string;
    /**
     * Granted amount (minor units).
     */
    amount: U64;
    /**
     * Value left (`amount − settled − reserved + refunded`).
     */
    remaining: U64;
    /**
     * Reserved by unsettled payments.
     */
    reserved: U64;
    /**
     * Paid out and final.
     */
    settled: U64;
    /**
     * Restored by refunds.
     */
    refunded: U64;
    /**
     * What can be spent now (0 when expired, not yet valid, used).
     */
    spendable: U64;
    /**
     * Forfeited by single use.
     */
    forfeited: U64;
    /**
     * Status.
     */
    status: VoucherStatus;
    /**
     * Allowed merchant categories (empty: any).
     */
    categories: number[];
    /**
     * Allowed merchants (empty: any).
     */
    merchants: Address[];
    /**
     * Allowed regions (empty: anywhere).
     */
    regions: string[];
    /**
     * Valid from (Unix seconds).
     */
    validFrom: U64;
    /**
     * Valid until (Unix seconds).
     */
    validUntil: U64;
    /**
     * Hours of use, minutes after local midnight.
     */
    hoursStart: number;
    /**
     * End of the hours of use (exclusive).
     */
    hoursEnd: number;
    /**
     * Local time zone, minutes east of UTC.
     */
    utcOffsetMinutes: number;
    /**
     * Minimum per payment.
     */
    minPayment: U64;
    /**
     * Maximum per payment (0: none).
     */
    maxPayment: U64;
    /**
     * Daily limit (0: none).
     */
    dailyLimit: U64;
    /**
     * One payment only.
     */
    singleUse: boolean;
}

/**
 * A voucher that cannot pay (part of) a request, and why.
 */
export interface UnusableVoucher {
    /**
     * Voucher id.
     */
    voucherId: Bytes32;
    /**
     * Why.
     */
    reason: Ineligible;
    /**
     * The reason in words.
     */
    message: string;
}

/**
 * An EIP-712 signature with the digest it covers.
 */
export interface TypedSignature {
    /**
     * `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
     */
    digest: Bytes32;
    /**
     * 65-byte `r‖s‖v`.
     */
    signature: Signature;
}

/**
 * An identity (DID) key.
 */
export interface Identity {
    /**
     * `did:key:zQ3s…`.
     */
    did: string;
    /**
     * Its public key.
     */
    publicKey: PublicKey;
    /**
     * Derivation path.
     */
    path: DerivationPath;
}

/**
 * An issuer the app trusts, with its limits per person.
 */
export interface TrustedIssuer {
    /**
     * Signing address.
     */
    address: Address;
    /**
     * Name shown to the citizen.
     */
    name: string;
    /**
     * The currency its vouchers are in.
     */
    currency: string;
    /**
     * Most a person may hold in its vouchers at once (0: no cap).
     */
    holdingCap?: U64;
    /**
     * Most that may be spent in redemptions not yet settled (0: no limit).
     */
    offlineAllowance?: U64;
}

/**
 * Argon2id parameters, stored in the vault header beside the salt.
 */
export interface KdfParams {
    /**
     * Memory in KiB.
     */
    mKib: number;
    /**
     * Passes over memory.
     */
    t: number;
    /**
     * Lanes.
     */
    p: number;
}

/**
 * How a request would be paid: which vouchers pay how much, and why the others cannot.
 */
export interface VoucherQuote {
    /**
     * Whether the vouchers cover it.
     */
    payable: boolean;
    /**
     * The shop's name.
     */
    merchantName: string;
    /**
     * Amount requested.
     */
    amount: U64;
    /**
     * Currency.
     */
    currency: string;
    /**
     * Amount not covered.
     */
    missing: U64;
    /**
     * The account whose vouchers pay.
     */
    holder: Address | undefined;
    /**
     * Which vouchers pay how much.
     */
    allocations: VoucherAllocation[];
    /**
     * Vouchers that cannot pay, and why.
     */
    unusable: UnusableVoucher[];
}

/**
 * How much of one voucher pays.
 */
export interface VoucherAllocation {
    /**
     * Voucher id.
     */
    voucherId: Bytes32;
    /**
     * Amount (minor units).
     */
    amount: U64;
}

/**
 * One issuer's part of a payment and where it stands.
 */
export interface PaymentPart {
    /**
     * The issuer.
     */
    issuer: Address;
    /**
     * `pending`, `settled`, `rejected: …`, `released`, `late_settled` or `conflict: …`.
     */
    status: string;
}

/**
 * One line of the history journal.
 */
export interface VoucherEvent {
    /**
     * Order of events in this wallet.
     */
    seq: U64;
    /**
     * When (Unix seconds).
     */
    at: U64;
    /**
     * What happened.
     */
    kind: EventKind;
    /**
     * The voucher concerned.
     */
    voucherId: Bytes32;
    /**
     * Amount concerned.
     */
    amount: U64;
    /**
     * Currency.
     */
    currency: string;
    /**
     * The other party (issuer or merchant).
     */
    counterparty: Address;
    /**
     * Its name.
     */
    counterpartyName: string;
    /**
     * The request or refund id, when there is one.
     */
    reference: Bytes32 | undefined;
    /**
     * Details (a rejection reason, a conflict).
     */
    note: string;
}

/**
 * Spendable value in one currency.
 */
export interface VoucherBalance {
    /**
     * Currency.
     */
    currency: string;
    /**
     * Spendable now.
     */
    spendable: U64;
    /**
     * Reserved by unsettled payments.
     */
    reserved: U64;
    /**
     * Vouchers counted.
     */
    vouchers: number;
}

/**
 * The chain and settlement contract the voucher signatures are bound to.
 */
export interface VoucherDomain {
    /**
     * EIP-155 chain id of the settlement network.
     */
    chainId: U64;
    /**
     * The settlement contract.
     */
    verifyingContract: Address;
}

/**
 * What a backup file says about itself (read without any secret).
 */
export interface BackupInfo {
    /**
     * File format: 2, or 1 for old PIN-only backups.
     */
    format: number;
    /**
     * What the restore needs.
     */
    protection: BackupProtection;
    /**
     * Records in it.
     */
    records: U64;
    /**
     * When it was made (Unix ms).
     */
    createdAtMs: U64;
    /**
     * `true` for a format-1 file: anyone who copies it can open it by trying every PIN; make
     * a new backup and delete the old file.
     */
    weak: boolean;
}

/**
 * What a valid mnemonic is (its words stay secret): wordlist and length.
 */
export interface MnemonicInfo {
    /**
     * The wordlist.
     */
    language: Language;
    /**
     * Number of words.
     */
    words: number;
}

/**
 * What an app chooses when it creates a wallet: mnemonic length and wordlist, an optional
 * passphrase, and the Argon2id cost (`None`: the production default). Its `Debug` never shows
 * the passphrase. [`WalletOptions::new`] adds the vault's platform protector.
 */
export interface CreateOptions {
    /**
     * 12, 15, 18, 21 or 24 words (default 12).
     */
    words?: number;
    /**
     * Wordlist of a new mnemonic (default English).
     */
    language?: Language;
    /**
     * Optional BIP39 passphrase ("25th word").
     */
    passphrase?: string;
    /**
     * Argon2id parameters; `None`: the production default (see `calibrate`).
     */
    kdf?: KdfParams;
}

/**
 * What an issuer grants: holder, amount and the purpose rules.
 */
export interface GrantSpec {
    /**
     * The holder's account.
     */
    holder: Address;
    /**
     * Amount (minor units).
     */
    amount: U64;
    /**
     * Currency.
     */
    currency: string;
    /**
     * Valid from (Unix seconds).
     */
    validFrom: U64;
    /**
     * Valid until (Unix seconds).
     */
    validUntil: U64;
    /**
     * Voucher id; random when absent.
     */
    id?: Bytes32;
    /**
     * Allowed merchant categories (empty: any).
     */
    categories?: number[];
    /**
     * Allowed merchants (empty: any).
     */
    merchants?: Address[];
    /**
     * Allowed regions (empty: anywhere).
     */
    regions?: string[];
    /**
     * Hours of use, minutes after local midnight.
     */
    hoursStart?: number;
    /**
     * End of the hours (exclusive; 1440: midnight).
     */
    hoursEnd?: number;
    /**
     * The local time zone of the hours, minutes east of UTC (KST: 540).
     */
    utcOffsetMinutes?: number;
    /**
     * Minimum per payment.
     */
    minPayment?: U64;
    /**
     * Maximum per payment (0: none).
     */
    maxPayment?: U64;
    /**
     * Daily limit (0: none).
     */
    dailyLimit?: U64;
    /**
     * One payment only.
     */
    singleUse?: boolean;
}

/**
 * What applying a settlement did.
 */
export type SettlementOutcome = { kind: "settled" } | { kind: "rejected" } | { kind: "late_settled" } | { kind: "conflict"; note: string } | { kind: "already_applied" };

/**
 * What happened, for the history journal.
 */
export type EventKind = "imported" | "reserved" | "settled" | "rejected" | "released" | "late_settled" | "conflict" | "refunded";

/**
 * What protects a backup file.
 */
export type BackupProtection = "code" | "passphrase" | "pin";

/**
 * Where a voucher stands.
 */
export type VoucherStatus = "active" | "not_yet_valid" | "expired" | "used" | "empty";

/**
 * Why a voucher cannot pay (part of) a request.
 */
export type Ineligible = "expired" | "not_yet_valid" | "currency" | "category" | "region" | "hours" | "single_use_spent" | "no_balance" | "daily_limit" | "below_minimum" | "untrusted_issuer";

/** What kind of error a `JigapError` is: one name per core error class. */
export type ErrorKind = 'InvalidInput' | 'WrongPin' | 'TooSoon' | 'LockedOut' | 'Locked' | 'Authentication' | 'NotFound' | 'AlreadyExists' | 'Storage' | 'Protector' | 'UnknownAccount' | 'BadSignature' | 'Untrusted' | 'Duplicate' | 'Expired' | 'CannotPay' | 'LimitExceeded' | 'Refused' | 'Internal';



/**
 * A shop: signs payment requests and verifies payments offline.
 */
export class WasmMerchantDesk {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Verify a payment (`JGRD:…`) offline against its request (`JGPR:…`).
     */
    accept(request: string, payment: string): AcceptedPayment;
    /**
     * A signed request for `amount`, valid `ttlSecs`.
     */
    createRequest(amount: U64, currency: string, ttl_secs: U64): PaymentRequestInfo;
    /**
     * A shop signing with `merchant` (an account of `wallet`).
     */
    constructor(wallet: WasmWallet, merchant: string, name: string, category: number, region: string, trusted_issuers: string[], domain_js?: VoucherDomain);
}

/**
 * An issuer (for tests, pilots and demos): grants, settlements, refunds, double-spend checks.
 */
export class WasmVoucherIssuer {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Double spends in a batch of payments (`JGRD:…`).
     */
    detectDoubleSpends(payments: string[]): DoubleSpend[];
    /**
     * Sign a grant (purpose validated first); returns `JGVG:…`.
     */
    grant(spec: GrantSpec): string;
    /**
     * An issuer signing with `issuer` (an account of `wallet`).
     */
    constructor(wallet: WasmWallet, issuer: string, domain_js?: VoucherDomain);
    /**
     * Refund `amount` to a voucher (never more than was settled from it); returns `JGRF:…`.
     */
    refund(voucher_id: string, amount: U64): string;
    /**
     * Settle (or, with a reason, reject) a payment (`JGRD:…`); returns `JGST:…`.
     */
    settle(payment: string, reject_reason?: string | null): string;
}

/**
 * The voucher side of a wallet.
 */
export class WasmVouchers {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Apply a refund (`JGRF:…`); `false` if it was applied before.
     */
    applyRefund(refund: string): boolean;
    /**
     * Apply a settlement (`JGST:…`).
     */
    applySettlement(settlement: string): SettlementOutcome;
    /**
     * Spendable now, per currency.
     */
    balances(): VoucherBalance[];
    /**
     * The history journal, oldest first (`voucherId`, `from`, `until` narrow it).
     */
    history(voucher_id: string | null | undefined, from?: U64, until?: U64): VoucherEvent[];
    /**
     * Import a grant (`JGVG:…`).
     */
    importGrant(grant: string): VoucherView;
    /**
     * The vouchers of `wallet` under `domain` (default: the demo domain).
     */
    constructor(wallet: WasmWallet, domain_js?: VoucherDomain);
    /**
     * Pay a request: choose, reserve, sign, persist — all or nothing.
     */
    pay(request: string): VoucherPayment;
    /**
     * Where a payment stands, per issuer.
     */
    paymentStatus(redemption_hash: string): PaymentPart[];
    /**
     * Which vouchers would pay a request (`JGPR:…`), and why the others cannot.
     */
    quote(request: string): VoucherQuote;
    /**
     * Release reservations of requests that expired unsettled; returns how many payments.
     */
    releaseExpired(): number;
    /**
     * Replace the trusted issuers.
     */
    setTrustedIssuers(issuers: TrustedIssuer[]): void;
    /**
     * The trusted issuers.
     */
    trustedIssuers(): TrustedIssuer[];
    /**
     * One voucher.
     */
    voucher(id: string): VoucherView;
    /**
     * Every voucher, soonest expiry first.
     */
    vouchers(): VoucherView[];
}

/**
 * A wallet held in a JS store.
 */
export class WasmWallet {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * EVM account `index`.
     */
    account(index: number): Account;
    /**
     * Every account.
     */
    accounts(): Account[];
    /**
     * Add the next derived account.
     */
    addAccount(): Account;
    /**
     * Wrong PINs left before lockout.
     */
    attemptsLeft(): number;
    /**
     * A backup under a new code (show it once) or under `passphrase` (refused if guessable).
     */
    backup(pin: string, passphrase?: string | null): WalletBackup;
    /**
     * Change the PIN (re-wraps the data key only).
     */
    changePin(old_pin: string, new_pin: string): void;
    /**
     * Create with a new mnemonic.
     */
    static create(store_obj: Store, pin: string, options?: CreateOptions, protector?: KeyProtector): WasmWallet;
    /**
     * Export an account as a Web3 keystore (`kdf`: scrypt (default), pbkdf2, scrypt-light).
     */
    exportKeystore(address: string, password: string, kdf?: string | null): string;
    /**
     * The recovery phrase, PIN required.
     */
    exportMnemonic(pin: string): string;
    /**
     * Identity key `index` and its did:key.
     */
    identity(index: number): Identity;
    /**
     * Import a Web3 keystore as an extra account.
     */
    importKeystore(json: string, password: string): Account;
    /**
     * Whether the wallet is unlocked.
     */
    isUnlocked(): boolean;
    /**
     * Argon2id parameters protecting the data key now.
     */
    kdfParams(): KdfParams;
    /**
     * Drop every key from memory.
     */
    lock(): void;
    /**
     * Open, locked.
     */
    static open(store_obj: Store, kdf?: KdfParams, protector?: KeyProtector): WasmWallet;
    /**
     * Change the PIN and replace the data key, re-encrypting every record.
     */
    rekey(old_pin: string, new_pin: string): void;
    /**
     * Restore a backup into an empty store (unlocked). `secret`: the backup code or
     * passphrase (for an old-format backup, its PIN); `pin`: the PIN on this device.
     */
    static restoreBackup(store_obj: Store, backup: Uint8Array, secret: string, pin: string, kdf?: KdfParams, protector?: KeyProtector): WasmWallet;
    /**
     * Create from an existing mnemonic.
     */
    static restore(store_obj: Store, pin: string, mnemonic: string, passphrase: string | null | undefined, kdf?: KdfParams, protector?: KeyProtector): WasmWallet;
    /**
     * Sign a raw 32-byte digest (`0x` hex).
     */
    signDigest(address: string, digest: string): string;
    /**
     * EIP-191 `personal_sign` of bytes or UTF-8 text.
     */
    signMessage(address: string, message: Uint8Array | string): string;
    /**
     * Sign EIP-712 typed data (a JSON string or an object).
     */
    signTypedData(address: string, typed_data: string | object): TypedSignature;
    /**
     * Unlock with the PIN.
     */
    unlock(pin: string): void;
}

/**
 * Argon2id parameters that take about `targetMs` here, using at most `maxMemoryKib`.
 */
export function calibrateKdf(target_ms: number, max_memory_kib: number): KdfParams;

/**
 * Run the store conformance suite on a store object (which must be empty).
 */
export function checkStoreConformance(store: Store): void;

/**
 * Run one conformance case on an empty store (`Storage` names the broken rule).
 */
export function checkStoreConformanceCase(store: Store, name: string): void;

/**
 * EIP-55 form of an address; throws on a wrong mixed-case checksum.
 */
export function checksumAddress(address: string): string;

/**
 * What a backup file needs to be restored, read without any secret.
 */
export function inspectBackup(backup: Uint8Array): BackupInfo;

/**
 * The optional parts this package carries (`tickets`, `credentials`, …; vouchers are always in).
 */
export function jigapFeatures(): string[];

/**
 * The library version.
 */
export function jigapVersion(): string;

/**
 * Production Argon2id parameters.
 */
export function kdfDefault(): KdfParams;

/**
 * Weak Argon2id parameters for tests and demos only.
 */
export function kdfFastInsecure(): KdfParams;

/**
 * Decrypt a Web3 keystore and return its address (nothing is stored).
 */
export function keystoreAddress(keystore_json: string, password: string): string;

/**
 * A QR code (error correction M) for `text`, with an SVG of `modulePx` pixels per module.
 */
export function qrCode(text: string, module_px?: number | null): QrCode;

/**
 * The signer of a `personal_sign` message (bytes or a UTF-8 string).
 */
export function recoverMessageSigner(message: Uint8Array | string, signature: string): string;

/**
 * The signer of typed data.
 */
export function recoverTypedDataSigner(typed_data: string | object, signature: string): string;

/**
 * The names of the store conformance cases, for one test per case.
 */
export function storeConformanceCases(): string[];

/**
 * The EIP-712 digest of typed data (a JSON string or an object).
 */
export function typedDataDigest(typed_data: string | object): string;

/**
 * Check a mnemonic; throws `JigapError` (kind `InvalidInput`) naming the problem.
 */
export function validateMnemonic(mnemonic: string, language?: string | null): MnemonicInfo;

/**
 * Plain ECDSA check of a 64-byte `r‖s` (or 65-byte `r‖s‖v`) signature over a 32-byte digest
 * with a SEC1 public key, all `0x` hex.
 */
export function verifyDigestSignature(public_key: string, digest: string, signature: string): boolean;

/**
 * jigap's demo domain (chain 1, contract 0x…4a6967). Use your settlement network in production.
 */
export function voucherDemoDomain(): VoucherDomain;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_wasmmerchantdesk_free: (a: number, b: number) => void;
    readonly __wbg_wasmvoucherissuer_free: (a: number, b: number) => void;
    readonly __wbg_wasmvouchers_free: (a: number, b: number) => void;
    readonly __wbg_wasmwallet_free: (a: number, b: number) => void;
    readonly calibrateKdf: (a: number, b: number) => [number, number, number];
    readonly checkStoreConformance: (a: any) => [number, number];
    readonly checkStoreConformanceCase: (a: any, b: number, c: number) => [number, number];
    readonly checksumAddress: (a: number, b: number) => [number, number, number, number];
    readonly inspectBackup: (a: any) => [number, number, number];
    readonly jigapFeatures: () => [number, number];
    readonly jigapVersion: () => [number, number];
    readonly kdfDefault: () => [number, number, number];
    readonly kdfFastInsecure: () => [number, number, number];
    readonly keystoreAddress: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly qrCode: (a: number, b: number, c: number) => [number, number, number];
    readonly recoverMessageSigner: (a: any, b: number, c: number) => [number, number, number, number];
    readonly recoverTypedDataSigner: (a: any, b: number, c: number) => [number, number, number, number];
    readonly storeConformanceCases: () => [number, number];
    readonly typedDataDigest: (a: any) => [number, number, number, number];
    readonly validateMnemonic: (a: number, b: number, c: number, d: number) => [number, number, number];
    readonly verifyDigestSignature: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number];
    readonly voucherDemoDomain: () => [number, number, number];
    readonly wasmmerchantdesk_accept: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly wasmmerchantdesk_createRequest: (a: number, b: any, c: number, d: number, e: any) => [number, number, number];
    readonly wasmmerchantdesk_new: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: any, j: any) => [number, number, number];
    readonly wasmvoucherissuer_detectDoubleSpends: (a: number, b: any) => [number, number, number];
    readonly wasmvoucherissuer_grant: (a: number, b: any) => [number, number, number, number];
    readonly wasmvoucherissuer_new: (a: number, b: number, c: number, d: any) => [number, number, number];
    readonly wasmvoucherissuer_refund: (a: number, b: number, c: number, d: any) => [number, number, number, number];
    readonly wasmvoucherissuer_settle: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly wasmvouchers_applyRefund: (a: number, b: number, c: number) => [number, number, number];
    readonly wasmvouchers_applySettlement: (a: number, b: number, c: number) => [number, number, number];
    readonly wasmvouchers_balances: (a: number) => [number, number, number];
    readonly wasmvouchers_history: (a: number, b: number, c: number, d: any, e: any) => [number, number, number];
    readonly wasmvouchers_importGrant: (a: number, b: number, c: number) => [number, number, number];
    readonly wasmvouchers_new: (a: number, b: any) => [number, number, number];
    readonly wasmvouchers_pay: (a: number, b: number, c: number) => [number, number, number];
    readonly wasmvouchers_paymentStatus: (a: number, b: number, c: number) => [number, number, number];
    readonly wasmvouchers_quote: (a: number, b: number, c: number) => [number, number, number];
    readonly wasmvouchers_releaseExpired: (a: number) => [number, number, number];
    readonly wasmvouchers_setTrustedIssuers: (a: number, b: any) => [number, number];
    readonly wasmvouchers_trustedIssuers: (a: number) => [number, number, number];
    readonly wasmvouchers_voucher: (a: number, b: number, c: number) => [number, number, number];
    readonly wasmvouchers_vouchers: (a: number) => [number, number, number];
    readonly wasmwallet_account: (a: number, b: number) => [number, number, number];
    readonly wasmwallet_accounts: (a: number) => [number, number, number];
    readonly wasmwallet_addAccount: (a: number) => [number, number, number];
    readonly wasmwallet_attemptsLeft: (a: number) => [number, number, number];
    readonly wasmwallet_backup: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly wasmwallet_changePin: (a: number, b: number, c: number, d: number, e: number) => [number, number];
    readonly wasmwallet_create: (a: any, b: number, c: number, d: any, e: any) => [number, number, number];
    readonly wasmwallet_exportKeystore: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => [number, number, number, number];
    readonly wasmwallet_exportMnemonic: (a: number, b: number, c: number) => [number, number, number, number];
    readonly wasmwallet_identity: (a: number, b: number) => [number, number, number];
    readonly wasmwallet_importKeystore: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly wasmwallet_isUnlocked: (a: number) => number;
    readonly wasmwallet_kdfParams: (a: number) => [number, number, number];
    readonly wasmwallet_lock: (a: number) => void;
    readonly wasmwallet_open: (a: any, b: any, c: any) => [number, number, number];
    readonly wasmwallet_rekey: (a: number, b: number, c: number, d: number, e: number) => [number, number];
    readonly wasmwallet_restore: (a: any, b: number, c: number, d: number, e: number, f: number, g: number, h: any, i: any) => [number, number, number];
    readonly wasmwallet_restoreBackup: (a: any, b: any, c: number, d: number, e: number, f: number, g: any, h: any) => [number, number, number];
    readonly wasmwallet_signDigest: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly wasmwallet_signMessage: (a: number, b: number, c: number, d: any) => [number, number, number, number];
    readonly wasmwallet_signTypedData: (a: number, b: number, c: number, d: any) => [number, number, number];
    readonly wasmwallet_unlock: (a: number, b: number, c: number) => [number, number];
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __externref_drop_slice: (a: number, b: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
