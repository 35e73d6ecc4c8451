// Compiled with `tsc --noEmit --strict`: the ticket quickstart and API as a TypeScript app sees it.
import { Wallet, MemoryStore, JigapError, Tickets, Gate, GateKey, TicketIssuer, kdfFastInsecure } from 'jigap';
import type { TicketInfo, TicketPass, GateAdmit, GateMergeReport, TicketState, TicketTransferRequest, U64 } from 'jigap';

function describe(state: TicketState): string {
  switch (state.kind) {
    case 'usable': return 'ready';
    case 'transferPending': return `transfer to ${state.to} for ${state.price} ${state.currency}`;
    case 'transferred': return `transferred to ${state.to}`;
    case 'used': return `used at ${new Date(Number(state.at) * 1000).toISOString()} (${state.gate})`;
  }
}

async function quickstart(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const contract = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  const event = { id: 'MAHLER2', name: 'Mahler 2', venue: 'Seoul', doorsOpen: now - 3600, start: now, end: now + 7200 };

  const issuerWallet = await Wallet.create(new MemoryStore(), '123456', { kdf: kdfFastInsecure() });
  const issuer = new TicketIssuer(issuerWallet, (await issuerWallet.account(0)).address);
  const wallet = await Wallet.create(new MemoryStore(), '123456', { kdf: kdfFastInsecure() });
  const tickets = new Tickets(wallet);
  await tickets.trustIssuer(await issuer.identity());
  const me = await tickets.holderId((await wallet.account(0)).address);
  const grant: string = await issuer.grant(me, { chainId: 1, contract, tokenId: '42', event, seat: { section: 'B', row: '12', number: '7' }, tier: 'R' });
  const { ticket, outcome } = await tickets.importGrant(grant);
  const list: TicketInfo[] = await tickets.list();
  const pass: TicketPass = await tickets.show(ticket.id);
  const svg: string = pass.svg;
  const refreshAt: U64 = pass.nextRotationMs;
  const dark: boolean = pass.modules[0];

  const key = GateKey.generate();
  const auth = await issuer.authorizeGate(1, contract, event, key.publicKey, 'North 3');
  const gate = new Gate(key, { issuers: [await issuer.identity()], authorizations: [auth], clock: () => Date.now() });
  let admit: GateAdmit | null = null;
  try {
    admit = await gate.verify(pass.text);
  } catch (e) {
    if (e instanceof JigapError && (e.kind === 'Refused' || e.kind === 'Expired' || e.kind === 'BadSignature')) console.log(e.message);
  }
  if (admit) {
    const used = await tickets.applyReceipt(await gate.receipt(admit));
    console.log(describe(used.state), used.status, admit.seatLabel);
  }
  const report: GateMergeReport = await gate.merge(await gate.export());
  const transfer: TicketTransferRequest | null = ticket.locked
    ? null
    : await tickets.requestTransfer(ticket.id, me, 1000, 'KRW');
  const operatorKey: GateKey = await GateKey.fromAccount(wallet, (await wallet.account(0)).address);
  console.log(outcome, list.length, svg.length, refreshAt, dark, report.total, transfer?.typedDataJson.length, operatorKey.publicKey, gate.name, gate.events()[0]?.doorsOpen);
  return (await issuer.reissue(transfer?.text ?? '', ticket.grant)).slice(0, 5);
}
void quickstart;
