// Types of the Ethereum part of the `jigap` package.
import type * as W from './jigap_wasm.js';
import type { Async, Freeable } from './internal.js';
import type { Vouchers, Wallet } from './index.js';
import type { ChainSync, KnownToken, Proposal, Receipt, SignedTransaction, TokenStandard, VoucherChainState } from './jigap_wasm.js';

/** A wallet on one EVM chain. `sign`, `pending`, `recordSent` and `onReceipt` return Promises. */
export declare class EvmWallet {
  constructor(wallet: Wallet, chainId: number | bigint, nativeSymbol?: string);
  sendFlow(intent: W.SendIntent): SendFlow;
  speedUpFlow(hash: string): SendFlow;
  cancelFlow(hash: string): SendFlow;
  chainId(): number;
  setKnownTokens(tokens: KnownToken[]): void;
  knownTokens(): KnownToken[];
  explain(tx: W.Transaction): W.Explanation;
  decode(raw: string): SignedTransaction;
  receiptRequest(hash: string): string;
}
export interface EvmWallet extends Freeable, Async<Omit<W.WasmEvmWallet, 'sendFlow' | 'speedUpFlow' | 'cancelFlow' | 'chainId' | 'setKnownTokens' | 'knownTokens' | 'explain' | 'decode' | 'receiptRequest'>> {}

/** One send, step by step (see `EvmProvider.prepare` and `submit`). */
export declare class SendFlow implements Freeable {
  nextRequest(): string | undefined;
  onReply(reply: string): Promise<void>;
  proposal(): Proposal | undefined;
  approve(): void;
  /** Always throws the `Refused` JigapError to show; nothing is signed. */
  decline(): never;
  signed(): SignedTransaction | undefined;
  free(): void;
  [Symbol.dispose](): void;
}

/** A node's JSON-RPC endpoint over `fetch`. */
export declare class EvmProvider {
  constructor(url: string, options?: { fetch?: typeof fetch });
  readonly url: string;
  request(body: string): Promise<string>;
  prepare(flow: SendFlow): Promise<Proposal>;
  submit(flow: SendFlow): Promise<SignedTransaction>;
  send(flow: SendFlow, approve: (p: Proposal) => boolean | Promise<boolean>): Promise<SignedTransaction>;
  waitForReceipt(evm: EvmWallet, hash: string, options?: { pollMs?: number; timeoutMs?: number }): Promise<Receipt | undefined>;
  /** Apply what the vouchers' pool says since the last sync (settled payments, refunds, reclaims). */
  syncVouchers(vouchers: Vouchers): Promise<ChainSync>;
  /** Each of the wallet's vouchers beside the pool's view of it. */
  voucherChainState(vouchers: Vouchers): Promise<VoucherChainState[]>;
  balance(owner: string, token?: string): Promise<string>;
  tokenInfo(token: string, standard?: TokenStandard): Promise<KnownToken>;
  call(to: string, data: string): Promise<string>;
  fees(): Promise<W.FeeSuggestion>;
  tokenEvents(contract: string, fromBlock?: number): Promise<W.TokenEvent[]>;
}

export declare const evmDecodeRaw: typeof W.evmDecodeRaw;
export declare function evmExplain(tx: W.Transaction, tokens?: KnownToken[], nativeSymbol?: string): W.Explanation;
export declare const evmDecodeTokenEvent: typeof W.evmDecodeTokenEvent;
export declare const evmParseUnits: typeof W.evmParseUnits;
export declare const evmFormatUnits: typeof W.evmFormatUnits;
export declare const abiSelector: typeof W.abiSelector;
export declare function abiEncode(types: string[], values: unknown[]): string;
export declare function abiDecode(types: string[], data: string): unknown[];
export declare function abiEncodeCall(signature: string, values: unknown[]): string;
export declare const erc20TransferData: typeof W.erc20TransferData;
export declare const erc20ApproveData: typeof W.erc20ApproveData;
export declare const erc721SafeTransferData: typeof W.erc721SafeTransferData;
