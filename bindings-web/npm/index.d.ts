// Types of the `jigap` package. The records (VoucherView, TicketInfo, StoredCredential, …), the
// string types and the wasm classes are generated from the Rust core into jigap_wasm.d.ts under
// the core's own names; this file adds the async classes over them, the stores and the error.
import type * as W from './jigap_wasm.js';
import type { Account, CreateOptions, Identity, KdfParams, KeyProtector, Store, StoreEntry, StoreOp, VoucherDomain, ErrorKind } from './jigap_wasm.js';
import type { Async, Freeable } from './internal.js';
export type * from './jigap_wasm.js';
// Named, so they take precedence over the wasm module's functions of the same names.
export {
  EvmWallet, SendFlow, EvmProvider, evmDecodeRaw, evmExplain, evmDecodeTokenEvent,
  evmParseUnits, evmFormatUnits, abiSelector, abiEncode, abiDecode, abiEncodeCall, erc20TransferData,
  erc20ApproveData, erc721SafeTransferData,
} from './evm.js';
// The optional parts (a smaller package leaves these lines out with the files they name).
export * from './tickets.js';
export { ticketTokenDeployData, ticketMintCall, ticketSetGateCall, ticketStateRequest, parseTicketState, ticketChainEvents } from './tickets.js';
export * from './credentials.js';

/** Every error jigap throws: `kind` names it as the Kotlin exception does, `message` says what to do. */
export class JigapError extends Error {
  readonly name: 'JigapError';
  readonly kind: ErrorKind;
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

/** A wallet: keys in an encrypted vault on a store. */
export declare class Wallet {
  private constructor();
  static create(store: Store, pin: string, options?: CreateOptions, protector?: KeyProtector): Promise<Wallet>;
  static restore(store: Store, pin: string, mnemonic: string, options?: { passphrase?: string; kdf?: KdfParams; protector?: KeyProtector }): Promise<Wallet>;
  static open(store: Store, options?: { kdf?: KdfParams; protector?: KeyProtector }): Promise<Wallet>;
  /** `secret`: the backup code or passphrase (an old-format backup: its PIN); `pin`: the PIN on this device. */
  static restoreBackup(store: Store, backup: Uint8Array, secret: string, pin: string, options?: { kdf?: KdfParams; protector?: KeyProtector }): Promise<Wallet>;
  readonly store: Store;
  account(index?: number): Promise<Account>;
  identity(index?: number): Promise<Identity>;
  lock(): void;
  isUnlocked(): boolean;
  kdfParams(): KdfParams;
}
export interface Wallet extends Freeable, Async<Omit<W.WasmWallet, 'lock' | 'isUnlocked' | 'kdfParams' | 'account' | 'identity'>> {}

export declare class Vouchers { constructor(wallet: Wallet, domain?: VoucherDomain) }
export interface Vouchers extends Freeable, Async<W.WasmVouchers> {}
export declare class MerchantDesk { constructor(wallet: Wallet, merchant: string, name: string, category: number, region: string, trustedIssuers: string[], domain?: VoucherDomain) }
export interface MerchantDesk extends Freeable, Async<W.WasmMerchantDesk> {}
export declare class VoucherIssuer { constructor(wallet: Wallet, issuer: string, domain?: VoucherDomain) }
export interface VoucherIssuer extends Freeable, Async<W.WasmVoucherIssuer> {}

export declare const validateMnemonic: typeof W.validateMnemonic;
export declare const checksumAddress: typeof W.checksumAddress;
export declare const recoverMessageSigner: typeof W.recoverMessageSigner;
export declare const typedDataDigest: typeof W.typedDataDigest;
export declare const recoverTypedDataSigner: typeof W.recoverTypedDataSigner;
export declare const verifyDigestSignature: typeof W.verifyDigestSignature;
export declare const keystoreAddress: typeof W.keystoreAddress;
export declare const inspectBackup: typeof W.inspectBackup;
export declare const kdfDefault: typeof W.kdfDefault;
export declare const kdfFastInsecure: typeof W.kdfFastInsecure;
export function calibrateKdf(targetMs?: number, maxMemoryKib?: number): KdfParams;
export declare const checkStoreConformance: typeof W.checkStoreConformance;
export declare const storeConformanceCases: typeof W.storeConformanceCases;
export declare const checkStoreConformanceCase: typeof W.checkStoreConformanceCase;
export function qrCode(text: string, modulePx?: number): W.QrCode;
export declare const jigapVersion: typeof W.jigapVersion;
export declare const jigapFeatures: typeof W.jigapFeatures;
export declare const voucherDemoDomain: typeof W.voucherDemoDomain;
export declare const voucherPoolDeployData: typeof W.voucherPoolDeployData;
export declare const voucherPoolFundCall: typeof W.voucherPoolFundCall;
export declare const voucherPoolRegisterCall: typeof W.voucherPoolRegisterCall;
export declare const voucherPoolSetMerchantsCall: typeof W.voucherPoolSetMerchantsCall;
export declare const voucherPoolRefundCall: typeof W.voucherPoolRefundCall;
export declare const voucherPoolReclaimCall: typeof W.voucherPoolReclaimCall;
export declare const voucherPoolEvents: typeof W.voucherPoolEvents;
export declare const voucherPoolVoucherCall: typeof W.voucherPoolVoucherCall;
export declare const voucherPoolVoucher: typeof W.voucherPoolVoucher;
