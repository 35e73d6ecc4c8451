// Compiled with `tsc --noEmit --strict` in CI: the quickstart and the API as a TypeScript app sees it.
import { Wallet, MemoryStore, IndexedDbStore, JigapError, Vouchers, MerchantDesk, VoucherIssuer, kdfFastInsecure, recoverTypedDataSigner } from 'jigap';

async function quickstart(): Promise<string> {
  const store = new MemoryStore();
  const wallet = await Wallet.create(store, '246810', { words: 24, language: 'ko', kdf: kdfFastInsecure() });
  const { address } = await wallet.account(0);
  const typedData = { types: { Hello: [{ name: 'text', type: 'string' }] }, primaryType: 'Hello', domain: { name: 'demo' }, message: { text: 'hi' } };
  const { signature } = await wallet.signTypedData(address, typedData);
  try {
    await wallet.unlock('000000');
  } catch (e) {
    if (e instanceof JigapError && e.kind === 'WrongPin') console.log(e.message);
  }
  const vouchers = new Vouchers(wallet);
  const issuer = new VoucherIssuer(wallet, address);
  const grant: string = await issuer.grant({ holder: address, amount: 1000, currency: 'KRW', validFrom: 0, validUntil: 2_000_000_000 });
  await vouchers.setTrustedIssuers([{ address, name: 'me', currency: 'KRW' }]);
  const v = await vouchers.importGrant(grant);
  const desk = new MerchantDesk(wallet, address, 'shop', 5411, 'KR-11', [address]);
  const req = await desk.createRequest(10, 'KRW', 60);
  const payment = await vouchers.pay(req.qr);
  const ok = await desk.accept(req.qr, payment.qr);
  const db: IndexedDbStore | null = null;
  console.log(v.status, ok.total, db);
  return recoverTypedDataSigner(typedData, signature);
}
void quickstart;
