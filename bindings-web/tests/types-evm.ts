// A web wallet's on-chain code, type-checked with --strict against the package's declarations.
import { Wallet, MemoryStore, EvmWallet, EvmProvider, JigapError, erc20TransferData, evmParseUnits, evmDecodeRaw } from 'jigap';
import type { Explanation, Proposal, Receipt, SendIntent, SignedTransaction, KnownToken, U256 } from 'jigap';

export async function payShop(pin: string, shop: string, token: string): Promise<Receipt | undefined> {
  const wallet = await Wallet.create(new MemoryStore(), pin);
  const me: string = (await wallet.account(0)).address;
  const evm = new EvmWallet(wallet, 31337);
  const provider = new EvmProvider('http://127.0.0.1:8545');
  const info: KnownToken = await provider.tokenInfo(token, 'Erc20');
  evm.setKnownTokens([info]);
  const amount: U256 = evmParseUnits('5000', info.decimals);
  const intent: SendIntent = { from: me, to: token, value: '0', data: erc20TransferData(shop, amount) };
  const flow = evm.sendFlow(intent);
  const proposal: Proposal = await provider.prepare(flow);
  const e: Explanation = proposal.explanation;
  const text: string = `${e.ko}\n${e.en}${e.risky ? ' (!)' : ''}`;
  void text;
  try {
    const signed: SignedTransaction = await provider.submit(flow);
    const from: string = evmDecodeRaw(signed.raw).from;
    void from;
    return provider.waitForReceipt(evm, signed.hash, { pollMs: 1000 });
  } catch (err) {
    if (err instanceof JigapError && err.kind === 'Network') return undefined;
    throw err;
  }
}
