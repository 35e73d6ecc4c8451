// Types of the ticket part of the `jigap` package (absent from the vouchers package).
import type * as W from './jigap_wasm.js';
import type { Async, Freeable } from './internal.js';
import type { Wallet } from './index.js';
import type { EvmProvider } from './evm.js';
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
export declare const ticketTokenDeployData: typeof W.ticketTokenDeployData;
export declare const ticketMintCall: typeof W.ticketMintCall;
export declare const ticketSetGateCall: typeof W.ticketSetGateCall;
export declare const ticketStateRequest: typeof W.ticketStateRequest;
export declare const parseTicketState: typeof W.parseTicketState;
export declare const ticketChainEvents: typeof W.ticketChainEvents;
/** The chain's view of `tickets` (ids `chain:contract:token`) through `provider`. */
export declare function ticketChainState(provider: EvmProvider, tickets: string[]): Promise<W.ChainTicket[]>;
/** Read and apply the chain's view of every ticket `tickets` holds. */
export declare function syncTicketsWithChain(provider: EvmProvider, tickets: Tickets): Promise<W.TicketChainSync[]>;
