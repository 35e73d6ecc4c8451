// jigap for the web: the WebAssembly core with an async API, stores and typed errors.
import initWasm, * as wasm from './jigap_wasm.js';
export { MemoryStore, IndexedDbStore } from './stores.js';
import { JigapError, call, sync } from './internal.js';
export { JigapError } from './internal.js';
export { Vouchers, MerchantDesk, VoucherIssuer, voucherDemoDomain } from './vouchers.js';
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

/** A wallet: keys in an encrypted vault on a store. Every method returns a Promise. */
export class Wallet {
  #w; #store;

  /** @private use create(), restore(), open() or restoreBackup(). */
  constructor(inner, store) {
    this.#w = inner;
    this.#store = store;
  }

  /** Create with a new mnemonic (show it with exportMnemonic(pin)). */
  static async create(store, pin, options = {}, protector) {
    return call(store, () => new Wallet(wasm.WasmWallet.create(store, pin, options, protector), store));
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

  /** The wasm object, for the feature classes of this package. */
  get _inner() {
    return this.#w;
  }

  get store() {
    return this.#store;
  }

  async unlock(pin) { return call(this.#store, () => this.#w.unlock(pin)); }
  lock() { this.#w.lock(); }
  isUnlocked() { return this.#w.isUnlocked(); }
  async attemptsLeft() { return call(this.#store, () => this.#w.attemptsLeft()); }
  async changePin(oldPin, newPin) { return call(this.#store, () => this.#w.changePin(oldPin, newPin)); }
  async exportMnemonic(pin) { return call(this.#store, () => this.#w.exportMnemonic(pin)); }
  /** A backup `{bytes, code}` under a new code (show it once), or under `passphrase`. */
  async backup(pin, passphrase) { return call(this.#store, () => this.#w.backup(pin, passphrase)); }
  /** Change the PIN and replace the data key, re-encrypting every record. */
  async rekey(oldPin, newPin) { return call(this.#store, () => this.#w.rekey(oldPin, newPin)); }
  kdfParams() { return this.#w.kdfParams(); }
  async accounts() { return call(this.#store, () => this.#w.accounts()); }
  async account(index = 0) { return call(this.#store, () => this.#w.account(index)); }
  async addAccount() { return call(this.#store, () => this.#w.addAccount()); }
  async identity(index = 0) { return call(this.#store, () => this.#w.identity(index)); }
  async signMessage(address, message) { return call(this.#store, () => this.#w.signMessage(address, message)); }
  async signTypedData(address, typedData) { return call(this.#store, () => this.#w.signTypedData(address, typedData)); }
  async signDigest(address, digest) { return call(this.#store, () => this.#w.signDigest(address, digest)); }
  async importKeystore(json, password) { return call(this.#store, () => this.#w.importKeystore(json, password)); }
  async exportKeystore(address, password, kdf = 'scrypt') { return call(this.#store, () => this.#w.exportKeystore(address, password, kdf)); }

  /** Free the wasm memory now (also done by the garbage collector). */
  free() { this.#w.free(); }
  [Symbol.dispose]() { this.free(); }
}

export const validateMnemonic = (mnemonic, language) => sync(() => wasm.validateMnemonic(mnemonic, language));
export const checksumAddress = (address) => sync(() => wasm.checksumAddress(address));
export const recoverMessageSigner = (message, signature) => sync(() => wasm.recoverMessageSigner(message, signature));
export const typedDataDigest = (typedData) => sync(() => wasm.typedDataDigest(typedData));
export const recoverTypedDataSigner = (typedData, signature) => sync(() => wasm.recoverTypedDataSigner(typedData, signature));
export const verifyDigestSignature = (publicKey, digest, signature) => sync(() => wasm.verifyDigestSignature(publicKey, digest, signature));
export const keystoreAddress = (json, password) => sync(() => wasm.keystoreAddress(json, password));
export const kdfDefault = () => wasm.kdfDefault();
export const kdfFastInsecure = () => wasm.kdfFastInsecure();
export const calibrateKdf = (targetMs = 1000, maxMemoryKib = 65536) => sync(() => wasm.calibrateKdf(targetMs, maxMemoryKib));
export const checkStoreConformance = (store) => sync(() => wasm.checkStoreConformance(store));
/** What a backup file needs to be restored, read without any secret. */
export const inspectBackup = (backup) => sync(() => wasm.inspectBackup(backup));
export const jigapVersion = () => wasm.jigapVersion();
export const qrCode = (text, modulePx = 4) => sync(() => wasm.qrCode(text, modulePx));
