// Types of the credential part of the `jigap` package (absent from the vouchers package).
import type * as W from './jigap_wasm.js';
import type { Async, Freeable } from './internal.js';
import type { Wallet } from './index.js';
import type { Clock, CredentialKeyType, CredentialVerifierOptions } from './jigap_wasm.js';

export declare class Credentials { constructor(wallet: Wallet, options?: { clock?: Clock }) }
export interface Credentials extends Freeable, Async<W.WasmCredentials> {}
export declare class CredentialVerifier { constructor(options: CredentialVerifierOptions & { clock?: Clock }) }
export interface CredentialVerifier extends Freeable, Async<W.WasmCredentialVerifier> {}
export declare class CredentialIssuer {
  constructor(options?: { keyType?: CredentialKeyType; seed?: Uint8Array; id?: string; kid?: string; name?: string; clock?: Clock });
}
export interface CredentialIssuer extends Freeable, Async<W.WasmCredentialIssuer> {}
/** One-shot verification: `new CredentialVerifier(options).verifyPresentation(presentation)`. */
export function verifyPresentation(presentation: string, options: CredentialVerifierOptions & { clock?: Clock }): Promise<W.VerifiedPresentation>;
