// Types of the ticket part of the `jigap` package (absent from the vouchers package).
import type * as W from './jigap_wasm.js';
import type { Async, Freeable } from './internal.js';
import type { Wallet } from './index.js';
import type { Clock, TicketEvent } from './jigap_wasm.js';

export declare class Tickets { constructor(wallet: Wallet) }
export interface Tickets extends Freeable, Async<W.WasmTickets> {}
export declare class GateKey {
  private constructor();
  static fromAccount(wallet: Wallet, account: string): Promise<GateKey>;
  static generate(): GateKey;
}
export interface GateKey extends Freeable, Async<W.WasmGateKey> {}
export declare class Gate {
  constructor(key: GateKey, options: { issuers: string[]; authorizations: string[]; clock?: Clock });
  events(): TicketEvent[];
}
export interface Gate extends Freeable, Async<Omit<W.WasmGate, 'events'>> {}
export declare class TicketIssuer { constructor(wallet: Wallet, account: string, options?: { clock?: Clock }) }
export interface TicketIssuer extends Freeable, Async<W.WasmTicketIssuer> {}
