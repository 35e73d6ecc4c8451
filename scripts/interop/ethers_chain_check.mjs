// Independent reader for the on-chain tests: ethers (not jigap) reads a VoucherPool's or a
// TicketToken's state and decodes its events with the ABI solc-js wrote, and compares them with
// what jigap reported. Prints what it read as JSON; exits 1 on the first mismatch.
//
//   node scripts/interop/ethers_chain_check.mjs pool   URL POOL VOUCHER_ID EXPECTED_JSON
//   node scripts/interop/ethers_chain_check.mjs ticket URL TOKEN TOKEN_ID EXPECTED_JSON
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, JsonRpcProvider } from 'ethers';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [kind, url, address, id, expectedJson] = process.argv.slice(2);
const expected = JSON.parse(expectedJson ?? '{}');
const abiOf = (name) =>
  JSON.parse(readFileSync(`${root}/target/contracts/${name}.json`, 'utf8')).abi;
const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });

const got = {};
const fail = (what) => {
  console.error(`mismatch: ${what}\n${JSON.stringify(got, null, 1)}`);
  process.exit(1);
};
const same = (key, value) => {
  if (key in expected && String(expected[key]) !== String(value)) {
    fail(`${key}: ethers read ${value}, jigap said ${expected[key]}`);
  }
};

if (kind === 'pool') {
  const pool = new Contract(address, abiOf('VoucherPool'), provider);
  const v = await pool.vouchers(id);
  Object.assign(got, {
    remaining: v.remaining.toString(),
    spent: v.spent.toString(),
    refunded: v.refunded.toString(),
  });
  const spent = await pool.queryFilter(pool.filters.VoucherSpent(id), 0, 'latest');
  const refunds = await pool.queryFilter(pool.filters.VoucherRefunded(id), 0, 'latest');
  got.spentEvents = spent.length;
  got.refundEvents = refunds.length;
  got.redemptionHashes = spent.map((e) => e.args.redemptionHash);
  for (const k of ['remaining', 'spent', 'refunded', 'spentEvents', 'refundEvents']) same(k, got[k]);
  if (expected.redemptionHash && !got.redemptionHashes.includes(expected.redemptionHash)) {
    fail(`redemption ${expected.redemptionHash} not among the VoucherSpent events`);
  }
  const [outstanding, unallocated, balance] = await pool.solvency();
  got.solvent = outstanding + unallocated <= balance;
  if (!got.solvent) fail('outstanding + unallocated > balance');
} else if (kind === 'ticket') {
  const t = new Contract(address, abiOf('TicketToken'), provider);
  const info = await t.tickets(id);
  Object.assign(got, {
    owner: await t.ownerOf(id),
    status: Number(info.status),
    transfers: Number(info.transfers),
    locked: await t.locked(id),
    erc5192: await t.supportsInterface('0xb45a3c0e'),
    erc7439: await t.supportsInterface('0x15fbb306'),
  });
  got.resold = (await t.queryFilter(t.filters.Resold(id), 0, 'latest')).map((e) => ({
    buyer: e.args.buyer,
    price: e.args.price.toString(),
  }));
  got.checkedIn = (await t.queryFilter(t.filters.CheckedIn(id), 0, 'latest')).length;
  for (const k of ['status', 'transfers', 'locked', 'checkedIn']) same(k, got[k]);
  if ('owner' in expected && expected.owner.toLowerCase() !== got.owner.toLowerCase()) {
    fail(`owner: ethers read ${got.owner}, jigap said ${expected.owner}`);
  }
  if (!got.erc5192 || !got.erc7439) fail('supportsInterface of ERC-5192 or ERC-7439 is false');
} else {
  console.error('usage: ethers_chain_check.mjs pool|ticket URL ADDRESS ID EXPECTED_JSON');
  process.exit(2);
}
console.log(JSON.stringify(got));
