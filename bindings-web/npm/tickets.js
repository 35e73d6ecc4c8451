// NFT tickets: the holder's rotating pass, the gate, and an issuer for tests and demos.
import * as wasm from './jigap_wasm.js';
import { call, sync } from './internal.js';

/** The ticket side of a wallet. Every method returns a Promise and commits to the store. */
export class Tickets {
  #t; #store;
  constructor(wallet) {
    this.#t = sync(() => new wasm.WasmTickets(wallet._inner));
    this.#store = wallet.store;
  }
  async trustIssuer(identity) { return call(this.#store, () => this.#t.trustIssuer(identity)); }
  async distrustIssuer(address) { return call(this.#store, () => this.#t.distrustIssuer(address)); }
  async trustedIssuers() { return call(this.#store, () => this.#t.trustedIssuers()); }
  async holderId(account) { return call(this.#store, () => this.#t.holderId(account)); }
  async importGrant(grant) { return call(this.#store, () => this.#t.importGrant(grant)); }
  async list() { return call(this.#store, () => this.#t.list()); }
  async get(id) { return call(this.#store, () => this.#t.get(id)); }
  async show(id) { return call(this.#store, () => this.#t.show(id)); }
  async requestTransfer(id, to, price, currency) { return call(this.#store, () => this.#t.requestTransfer(id, to, price, currency)); }
  async pendingTransfer(id) { return call(this.#store, () => this.#t.pendingTransfer(id)); }
  async cancelTransfer(id) { return call(this.#store, () => this.#t.cancelTransfer(id)); }
  async applyReceipt(receipt) { return call(this.#store, () => this.#t.applyReceipt(receipt)); }
  free() { this.#t.free(); }
}

/** A gate's Ed25519 key: from a wallet account (comes back with the mnemonic) or random. */
export class GateKey {
  #k;
  /** @private use fromAccount() or generate(). */
  constructor(inner) { this.#k = inner; }
  static async fromAccount(wallet, account) {
    return call(wallet.store, () => new GateKey(wasm.WasmGateKey.fromAccount(wallet._inner, account)));
  }
  static generate() { return sync(() => new GateKey(wasm.WasmGateKey.generate())); }
  /** The public key (`0x` hex) for the issuer to authorise. */
  get publicKey() { return this.#k.publicKey; }
  get _inner() { return this.#k; }
  free() { this.#k.free(); }
}

/** A gate: verifies passes offline and admits each ticket once. */
export class Gate {
  #g;
  /** `options`: {issuers: ['JGID:…'], authorizations: ['JGGA:…'], clock?: () => ms}. */
  constructor(key, options) {
    this.#g = sync(() => new wasm.WasmGate(key._inner, options));
  }
  get name() { return sync(() => this.#g.name); }
  events() { return sync(() => this.#g.events()); }
  async verify(pass) { return call(null, () => this.#g.verify(pass)); }
  async receipt(admit) { return call(null, () => this.#g.receipt(admit)); }
  async setCurrentTransfers(ticketId, transfers) { return call(null, () => this.#g.setCurrentTransfers(ticketId, transfers)); }
  async export() { return call(null, () => this.#g.export()); }
  async merge(exported) { return call(null, () => this.#g.merge(exported)); }
  async entries() { return call(null, () => this.#g.entries()); }
  /** The wasm object (synchronous methods), for benchmarks. */
  get _inner() { return this.#g; }
  free() { this.#g.free(); }
}

/** A ticket issuer for tests, pilots and demos; signs with one of `wallet`'s accounts. */
export class TicketIssuer {
  #i;
  /** `options`: {clock?: () => ms}, which dates the grants. */
  constructor(wallet, account, options = {}) {
    this.#i = sync(() => new wasm.WasmTicketIssuer(wallet._inner, account, options));
  }
  async identity() { return call(null, () => this.#i.identity()); }
  async grant(holderId, terms) { return call(null, () => this.#i.grant(holderId, terms)); }
  async authorizeGate(spec) { return call(null, () => this.#i.authorizeGate(spec)); }
  async reissue(request, grant) { return call(null, () => this.#i.reissue(request, grant)); }
  free() { this.#i.free(); }
}
