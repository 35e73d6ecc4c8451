// NFT tickets: the holder's rotating pass, the gate, and an issuer for tests and demos. Every
// method is the core's (see jigap_wasm.d.ts), returning a Promise.
import * as wasm from './jigap_wasm.js';
import { call, mirror, sync } from './internal.js';

/** The ticket side of a wallet; changes commit to the wallet's store. */
export class Tickets {
  constructor(wallet) {
    this._inner = sync(() => new wasm.WasmTickets(wallet._inner));
    this._store = wallet.store;
  }
}
mirror(Tickets, wasm.WasmTickets);

/** A gate's Ed25519 key: from a wallet account (comes back with the mnemonic) or random. */
export class GateKey {
  /** @private use fromAccount() or generate(). */
  constructor(inner) { this._inner = inner; }
  static async fromAccount(wallet, account) {
    return call(wallet.store, () => new GateKey(wasm.WasmGateKey.fromAccount(wallet._inner, account)));
  }
  static generate() { return sync(() => new GateKey(wasm.WasmGateKey.generate())); }
}
mirror(GateKey, wasm.WasmGateKey);

/** A gate: verifies passes offline and admits each ticket once. */
export class Gate {
  /** `options`: {issuers: ['JGID:…'], authorizations: ['JGGA:…'], clock?: () => ms}. */
  constructor(key, { issuers, authorizations, clock } = {}) {
    this._inner = sync(() => new wasm.WasmGate(key._inner, issuers ?? [], authorizations ?? [], clock));
    this._store = null;
  }
}
mirror(Gate, wasm.WasmGate, ['events']);

/** A ticket issuer for tests, pilots and demos; signs with one of `wallet`'s accounts. */
export class TicketIssuer {
  /** `options.clock`: () => ms, which dates the grants. */
  constructor(wallet, account, { clock } = {}) {
    this._inner = sync(() => new wasm.WasmTicketIssuer(wallet._inner, account, clock));
    this._store = null;
  }
}
mirror(TicketIssuer, wasm.WasmTicketIssuer);
