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

// On chain (a TicketToken): calldata, the chain's view of tickets and the contract's events.
export const ticketTokenDeployData = (bytecode, name, symbol, paymentToken, currency, scale) => sync(() => wasm.ticketTokenDeployData(bytecode, name, symbol, paymentToken, currency, String(scale)));
export const ticketMintCall = (grants) => sync(() => wasm.ticketMintCall(grants));
export const ticketSetGateCall = (gate, allowed) => sync(() => wasm.ticketSetGateCall(gate, allowed));
export const ticketStateRequest = (tickets) => sync(() => wasm.ticketStateRequest(tickets));
export const parseTicketState = (tickets, reply) => sync(() => wasm.parseTicketState(tickets, reply));
export const ticketChainEvents = (contract, receipt) => sync(() => wasm.ticketChainEvents(contract, receipt));

/** The chain's view of `tickets` (ids `chain:contract:token`) through `provider` (an EvmProvider). */
export async function ticketChainState(provider, tickets) {
  if (tickets.length === 0) return [];
  return parseTicketState(tickets, await provider.request(ticketStateRequest(tickets)));
}

/** Read the chain's view of every ticket `tickets` holds and apply it (sold on chain →
 * transferred, checked in on chain → used). */
export async function syncTicketsWithChain(provider, tickets) {
  const ids = (await tickets.list()).map((t) => t.id);
  return tickets.applyChainState(await ticketChainState(provider, ids));
}
