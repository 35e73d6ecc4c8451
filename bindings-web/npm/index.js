// jigap for the web: the WebAssembly core with an async API, stores and typed errors.
import initWasm, * as wasm from './jigap_wasm.js';
export { MemoryStore, IndexedDbStore } from './stores.js';
import { call, clean, mirror, sync } from './internal.js';
export { JigapError } from './internal.js';
export {
  Vouchers, MerchantDesk, VoucherIssuer, voucherDemoDomain, voucherPoolDeployData, voucherPoolFundCall,
  voucherPoolRegisterCall, voucherPoolSetMerchantsCall, voucherPoolRefundCall, voucherPoolReclaimCall,
  voucherPoolEvents, voucherPoolVoucherCall, voucherPoolVoucher,
} from './vouchers.js';
export * from './evm.js';
// The optional parts (a smaller package leaves these lines out with the files they name).
export * from './tickets.js';
export * from './credentials.js';

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/** Load the WebAssembly module (done once, automatically, when this module is imported). */
async function load() {
  const url = new URL('./jigap_wasm_bg.wasm', import.meta.url);
  if (isNode) {
    const fsModule = 'node:fs/promises'; // kept out of bundlers' static analysis
    const { readFile } = await import(/* @vite-ignore */ fsModule);
    await initWasm({ module_or_path: await readFile(url) });
  } else {
    await initWasm({ module_or_path: url });
  }
}
await load();

/** A wallet: keys in an encrypted vault on a store. Every method is the core's (see
 * jigap_wasm.d.ts), returning a Promise, except lock(), isUnlocked() and kdfParams(). */
export class Wallet {
  /** @private use create(), restore(), open() or restoreBackup(). */
  constructor(inner, store) {
    this._inner = inner;
    this._store = store;
  }

  /** Create with a new mnemonic (show it with exportMnemonic(pin)). */
  static async create(store, pin, options = {}, protector) {
    return call(store, () => new Wallet(wasm.WasmWallet.create(store, pin, clean(options), protector), store));
  }

  /** Create from an existing mnemonic. */
  static async restore(store, pin, mnemonic, { passphrase, kdf, protector } = {}) {
    return call(store, () => new Wallet(wasm.WasmWallet.restore(store, pin, mnemonic, passphrase, kdf, protector), store));
  }

  /** Open the wallet in `store`, locked. */
  static async open(store, { kdf, protector } = {}) {
    return call(store, () => new Wallet(wasm.WasmWallet.open(store, kdf, protector), store));
  }

  /**
   * Restore an encrypted backup into an empty store (unlocked). `secret`: the backup code (as
   * typed) or passphrase — for an old-format backup, its PIN (`inspectBackup` tells which);
   * `pin`: the PIN on this device.
   */
  static async restoreBackup(store, backup, secret, pin, { kdf, protector } = {}) {
    return call(store, () => new Wallet(wasm.WasmWallet.restoreBackup(store, backup, secret, pin, kdf, protector), store));
  }

  get store() {
    return this._store;
  }

  async account(index = 0) { return call(this._store, () => this._inner.account(index)); }
  async identity(index = 0) { return call(this._store, () => this._inner.identity(index)); }
}
mirror(Wallet, wasm.WasmWallet, ['lock', 'isUnlocked', 'kdfParams']);

export const validateMnemonic = (mnemonic, language) => sync(() => wasm.validateMnemonic(mnemonic, language));
export const checksumAddress = (address) => sync(() => wasm.checksumAddress(address));
export const recoverMessageSigner = (message, signature) => sync(() => wasm.recoverMessageSigner(message, signature));
export const typedDataDigest = (typedData) => sync(() => wasm.typedDataDigest(typedData));
export const recoverTypedDataSigner = (typedData, signature) => sync(() => wasm.recoverTypedDataSigner(typedData, signature));
export const verifyDigestSignature = (publicKey, digest, signature) => sync(() => wasm.verifyDigestSignature(publicKey, digest, signature));
export const keystoreAddress = (json, password) => sync(() => wasm.keystoreAddress(json, password));
export const kdfDefault = () => sync(() => wasm.kdfDefault());
export const kdfFastInsecure = () => sync(() => wasm.kdfFastInsecure());
export const calibrateKdf = (targetMs = 1000, maxMemoryKib = 65536) => sync(() => wasm.calibrateKdf(targetMs, maxMemoryKib));
export const checkStoreConformance = (store) => sync(() => wasm.checkStoreConformance(store));
/** What a backup file needs to be restored, read without any secret. */
export const inspectBackup = (backup) => sync(() => wasm.inspectBackup(backup));
export const jigapVersion = () => wasm.jigapVersion();
/** The optional parts this package carries: `tickets`, `credentials`, … (vouchers always). */
export const jigapFeatures = () => wasm.jigapFeatures();
export const qrCode = (text, modulePx = 4) => sync(() => wasm.qrCode(text, modulePx));
/** The conformance cases, by name, for a test framework that wants one test per case. */
export const storeConformanceCases = () => sync(() => wasm.storeConformanceCases());
/** Run one conformance case on an empty store. */
export const checkStoreConformanceCase = (store, name) => sync(() => wasm.checkStoreConformanceCase(store, name));
