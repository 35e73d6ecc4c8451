// Types of tickets.js. Names mirror the Kotlin and Swift bindings. Times are Unix seconds
// unless the name ends in `Ms`; a ticket's id is `chainId:contract:tokenId`. Whole numbers from
// 64-bit fields are typed `U64` (`number | bigint`): a value above 2^53 comes back as a BigInt,
// never rounded, and inputs take either.
import type { U64, Wallet } from './index.js';

/** An account and the Ed25519 key it vouches for: an issuer's identity or a ticket holder id. */
export interface TicketIdentity {
  address: string;
  /** Ed25519 public key, `0x` hex. */
  key: string;
  /** `JGID:…`: what to pass on (fits a QR code). */
  text: string;
}

export interface TicketEvent { id: string; name: string; venue?: string; doorsOpen: U64; start: U64; end: U64 }
export interface TicketSeat { generalAdmission?: boolean; section?: string; row?: string; number?: string }
export interface TicketTransferPolicy { transferable: boolean; currency?: string; priceCap?: U64; maxTransfers?: number }

/** ERC-7439 status. */
export type TicketStatus = 'Sold' | 'Resell' | 'Void' | 'Redeemed';

export type TicketState =
  | { kind: 'usable' }
  | { kind: 'transferPending'; to: string; price: U64; currency: string; requestedAt: U64 }
  | { kind: 'transferred'; to: string; at: U64 }
  | { kind: 'used'; at: U64; gate: string };

export interface TicketInfo {
  id: string; chainId: U64; contract: string; tokenId: string; issuer: string; holder: string;
  event: Required<TicketEvent>; seat: Required<TicketSeat>; seatLabel: string; tier: string;
  policy: Required<TicketTransferPolicy>; transfers: number; issuedAt: U64; importedAt: U64;
  status: TicketStatus;
  /** ERC-5192: not transferable. */
  locked: boolean;
  state: TicketState;
  /** The grant (`JGTG:…`). */
  grant: string;
}

export interface ImportedTicket { ticket: TicketInfo; outcome: 'added' | 'unchanged' | 'updated' | 'transferConfirmed' }

/** A pass for the current 15-second window. */
export interface TicketPass {
  /** `JGTP:…`, the QR code's content. */
  text: string;
  svg: string;
  size: number;
  version: number;
  /** Row-major `size × size`, 1 = dark. */
  modules: Uint8Array;
  window: U64;
  /** When to show the next pass, Unix ms. */
  nextRotationMs: number;
  refreshInMs: number;
}

export interface TicketTransferRequest {
  /** `JGTR:…` for the issuer. */
  text: string;
  /** The current grant (`JGTG:…`). */
  grant: string;
  ticketId: string; from: string; to: string; price: U64; currency: string; requestedAt: U64;
  signature: string;
  /** The signed `TicketTransfer` as eth_signTypedData_v4 data. */
  typedData: { types: Record<string, { name: string; type: string }[]>; primaryType: string; domain: Record<string, unknown>; message: Record<string, unknown> };
}

/** The ticket side of a wallet. */
export class Tickets {
  constructor(wallet: Wallet);
  trustIssuer(identity: string): Promise<TicketIdentity>;
  distrustIssuer(address: string): Promise<boolean>;
  trustedIssuers(): Promise<TicketIdentity[]>;
  holderId(account: string): Promise<TicketIdentity>;
  importGrant(grant: string): Promise<ImportedTicket>;
  /** Upcoming events first. */
  list(): Promise<TicketInfo[]>;
  get(id: string): Promise<TicketInfo>;
  show(id: string): Promise<TicketPass>;
  requestTransfer(id: string, to: string, price: number | bigint, currency: string): Promise<TicketTransferRequest>;
  pendingTransfer(id: string): Promise<TicketTransferRequest>;
  cancelTransfer(id: string): Promise<TicketInfo>;
  applyReceipt(receipt: string): Promise<TicketInfo>;
  free(): void;
}

/** A gate's Ed25519 key. */
export class GateKey {
  private constructor();
  static fromAccount(wallet: Wallet, account: string): Promise<GateKey>;
  static generate(): GateKey;
  /** `0x` hex, for `TicketIssuer.authorizeGate`. */
  readonly publicKey: string;
  free(): void;
}

export interface GateAdmit {
  ticketId: string; eventId: string; eventName: string; seat: Required<TicketSeat>; seatLabel: string;
  tier: string; holder: string; transfers: number; window: U64; enteredAt: U64; grantDigest: string;
}
export interface GateMergeReport { added: number; updated: number; ignored: number; total: U64 }
export interface GateEntry { ticketId: string; at: U64; gate: string }

export interface GateOptions {
  /** Trusted issuers, `JGID:…`. */
  issuers: string[];
  /** The issuer's authorizations of this gate, `JGGA:…`, one per event. */
  authorizations: string[];
  /** Unix ms; default `Date.now()`. */
  clock?: () => number;
}

/** A gate: verifies passes offline and admits each ticket once. Refusals throw a JigapError:
 * `BadSignature`, `Untrusted`, `Expired` (stale window, too late), `Refused` (wrong event, too
 * early, already entered), `InvalidInput` (not a pass). */
export class Gate {
  constructor(key: GateKey, options: GateOptions);
  readonly name: string;
  events(): Required<TicketEvent>[];
  verify(pass: string): Promise<GateAdmit>;
  receipt(admit: GateAdmit): Promise<string>;
  setCurrentTransfers(ticketId: string, transfers: number): Promise<void>;
  export(): Promise<Uint8Array>;
  merge(exported: Uint8Array): Promise<GateMergeReport>;
  entries(): Promise<GateEntry[]>;
  free(): void;
}

export interface TicketTerms {
  chainId: U64; contract: string;
  /** Decimal or `0x` hex string, or a whole number. */
  tokenId: string | number | bigint;
  event: TicketEvent; seat: TicketSeat; tier?: string;
  /** Default: non-transferable. */
  policy?: TicketTransferPolicy;
}

export interface GateAuthorizationSpec { chainId: U64; contract: string; event: TicketEvent; gateKey: string; gateName: string }

/** A ticket issuer for tests, pilots and demos. */
export class TicketIssuer {
  constructor(wallet: Wallet, account: string, options?: { clock?: () => number });
  identity(): Promise<TicketIdentity>;
  /** Returns the grant `JGTG:…`. */
  grant(holderId: string, terms: TicketTerms): Promise<string>;
  /** Returns `JGGA:…` for the gate. */
  authorizeGate(spec: GateAuthorizationSpec): Promise<string>;
  /** Returns the new holder's grant `JGTG:…`. */
  reissue(request: string, grant?: string): Promise<string>;
  free(): void;
}
