// Ethereum from JavaScript, checked by ethers (an independent implementation) and a real node:
// every raw transaction jigap signs is parsed by ethers to the same fields and sender; jigap's
// ABI encoding equals ethers' AbiCoder on random values of random types; and a web wallet sends
// ETH, an ERC-20 and an ERC-721 transfer, reads balances, sees reverts and a wrong chain
// refused, and speeds up a pending transaction, against anvil through EvmProvider (fetch).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { jigap } from './package.mjs';
import { startAnvil, contract } from './anvil.mjs';

const { Wallet, MemoryStore, EvmWallet, EvmProvider } = jigap;
const FAST = jigap.kdfFastInsecure();
const BOB = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

// A seeded generator: a failure names its seed and repeats.
function rng(seed) {
  let s = seed >>> 0;
  const next = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const int = (n) => Math.floor(next() * n);
  const bytes = (n) => '0x' + Array.from({ length: n }, () => int(256).toString(16).padStart(2, '0')).join('');
  const big = (bits) => (bits === 0 ? 0n : BigInt(bytes(Math.ceil(bits / 8))) & ((1n << BigInt(bits)) - 1n));
  return { next, int, bytes, big, pick: (a) => a[int(a.length)] };
}

async function newWallet() {
  const w = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  return { w, me: (await w.account(0)).address };
}

test('ethers parses every transaction jigap signs to the same fields and sender', async () => {
  const { w, me } = await newWallet();
  const r = rng(1);
  for (let i = 0; i < 60; i++) {
    const type = i % 3;
    const chainId = r.pick([1, 31337, 1001, 2 ** 40 + 7]);
    const tx = {
      type, chainId, nonce: r.int(1000), gas: 21000 + r.int(1_000_000),
      to: r.next() < 0.1 ? null : ethers.getAddress(r.bytes(20)),
      value: r.big(r.pick([0, 8, 64, 200])).toString(), data: r.bytes(r.int(80)),
      accessList: type === 0 ? [] : [{ address: ethers.getAddress(r.bytes(20)), storageKeys: [r.bytes(32)] }],
    };
    if (type === 2) { tx.maxPriorityFeePerGas = r.big(40).toString(); tx.maxFeePerGas = (BigInt(tx.maxPriorityFeePerGas) + r.big(50)).toString(); } else { tx.gasPrice = r.big(r.pick([0, 50])).toString(); }
    const evm = new EvmWallet(w, chainId);
    const signed = await evm.sign(me, tx);
    const parsed = ethers.Transaction.from(signed.raw);
    assert.equal(parsed.from, me, `case ${i}`);
    assert.equal(parsed.hash, signed.hash);
    assert.equal(parsed.type, type);
    assert.equal(parsed.chainId, BigInt(chainId));
    assert.equal(parsed.nonce, tx.nonce);
    assert.equal(parsed.gasLimit, BigInt(tx.gas));
    assert.equal(parsed.to, tx.to);
    assert.equal(parsed.value, BigInt(tx.value));
    assert.equal(parsed.data, tx.data);
    if (type === 2) {
      assert.equal(parsed.maxFeePerGas, BigInt(tx.maxFeePerGas));
      assert.equal(parsed.maxPriorityFeePerGas, BigInt(tx.maxPriorityFeePerGas));
    } else assert.equal(parsed.gasPrice, BigInt(tx.gasPrice));
    if (type !== 0) assert.deepEqual(parsed.accessList.map((a) => [a.address, a.storageKeys]), tx.accessList.map((a) => [a.address, a.storageKeys]));
    // And back: jigap decodes what ethers serialises.
    assert.equal(jigap.evmDecodeRaw(parsed.serialized).from, me);
  }
  // ethers signs, jigap recovers.
  const key = ethers.Wallet.createRandom();
  const raw = await key.signTransaction({ type: 2, chainId: 31337, nonce: 3, to: BOB, value: 5n, gasLimit: 21000n, maxFeePerGas: 10n, maxPriorityFeePerGas: 1n });
  const back = jigap.evmDecodeRaw(raw, 31337);
  assert.equal(back.from, key.address);
  assert.equal(back.tx.value, '5');
  assert.throws(() => jigap.evmDecodeRaw(raw, 1), (e) => e.kind === 'InvalidInput' && /chain 31337/.test(e.message));
});

function randomType(r, depth = 0) {
  const atoms = ['address', 'bool', 'string', 'bytes', `uint${8 * (1 + r.int(32))}`, `int${8 * (1 + r.int(32))}`, `bytes${1 + r.int(32)}`];
  const k = depth >= 3 ? 0 : r.int(10);
  if (k < 6) return r.pick(atoms);
  if (k < 8) return `${randomType(r, depth + 1)}[${r.next() < 0.5 ? '' : 1 + r.int(3)}]`;
  return `(${Array.from({ length: 1 + r.int(3) }, () => randomType(r, depth + 1)).join(',')})`;
}

function randomValue(r, type) {
  const arr = type.match(/^(.*)\[(\d*)\]$/);
  if (arr) return Array.from({ length: arr[2] === '' ? r.int(4) : Number(arr[2]) }, () => randomValue(r, arr[1]));
  if (type.startsWith('(')) return ethers.ParamType.from(type).components.map((c) => randomValue(r, c.format()));
  if (type === 'address') return ethers.getAddress(r.bytes(20));
  if (type === 'bool') return r.next() < 0.5;
  if (type === 'string') return r.pick(['', 'a', '지갑 jigap', 'x'.repeat(40 + r.int(40))]);
  if (type === 'bytes') return r.bytes(r.int(70));
  if (type.startsWith('bytes')) return r.bytes(Number(type.slice(5)));
  const bits = Number(type.replace(/^u?int/, ''));
  if (type.startsWith('uint')) return r.big(bits).toString();
  const v = r.big(bits - 1);
  return (r.next() < 0.5 ? -v : v).toString();
}

test('ABI encoding equals ethers AbiCoder on random values of random types (property)', () => {
  const coder = ethers.AbiCoder.defaultAbiCoder();
  for (let seed = 0; seed < 300; seed++) {
    const r = rng(1000 + seed);
    const types = Array.from({ length: 1 + r.int(4) }, () => randomType(r));
    const values = types.map((t) => randomValue(r, t));
    const ours = jigap.abiEncode(types, values);
    assert.equal(ours, coder.encode(types, values), `seed ${1000 + seed}: ${types}`);
    const back = jigap.abiDecode(types, ours);
    assert.equal(jigap.abiEncode(types, back), ours, `round trip, seed ${1000 + seed}`);
  }
  assert.equal(jigap.abiSelector('transfer(address,uint256)'), '0xa9059cbb');
});

let node;
let provider;
before(async () => { node = await startAnvil(); provider = new EvmProvider(node.url); });
after(async () => node?.stop());

async function funded() {
  const { w, me } = await newWallet();
  await node.rpc('anvil_setBalance', [me, '0x56bc75e2d63100000']);
  return { evm: new EvmWallet(w, 31337), me };
}

async function sent(evm, intent) {
  const flow = evm.sendFlow(intent);
  const proposal = await provider.prepare(flow);
  const signed = await provider.submit(flow);
  const receipt = await provider.waitForReceipt(evm, signed.hash, { pollMs: 20, timeoutMs: 20_000 });
  return { proposal, signed, receipt };
}

test('a web wallet sends ETH and reads the balance back through fetch', async () => {
  const { evm, me } = await funded();
  const before = BigInt(await provider.balance(BOB));
  const { proposal, signed, receipt } = await sent(evm, { from: me, to: BOB, value: jigap.evmParseUnits('0.05', 18) });
  assert.equal(proposal.explanation.en, `send 0.05 ETH to ${BOB}`);
  assert.equal(proposal.explanation.ko, `${BOB}에게 0.05 ETH 보내기`);
  assert.equal(receipt.status, true);
  assert.equal(BigInt(await provider.balance(BOB)) - before, 50_000_000_000_000_000n);
  assert.equal(ethers.Transaction.from(signed.raw).from, me);
  assert.deepEqual(await evm.pending(), []);
});

test('ERC-20 and ERC-721 transfers with their explanations, events and reverts', async () => {
  const { evm, me } = await funded();
  const deploy = async (name, args = '0x') => {
    const { bytecode } = contract(name);
    const { receipt } = await sent(evm, { from: me, to: null, data: bytecode + args.slice(2) });
    return receipt.contractAddress;
  };
  const token = await deploy('TestToken', jigap.abiEncode(['uint256'], ['1000000']));
  const ticket = await deploy('TestTicket');
  const info = await provider.tokenInfo(token);
  assert.deepEqual(info, { address: token, standard: 'Erc20', symbol: 'KRWT', decimals: 0 });
  evm.setKnownTokens([info, { address: ticket, standard: 'Erc721', symbol: 'TIX', decimals: 0 }]);

  const t = await sent(evm, { from: me, to: token, data: jigap.erc20TransferData(BOB, '5000') });
  assert.equal(t.proposal.explanation.en, `transfer 5,000 KRWT to ${BOB} (token at ${token})`);
  const ev = jigap.evmDecodeTokenEvent(t.receipt.logs[0]);
  assert.deepEqual([ev.event, ev.from, ev.to, ev.value, ev.standard], ['Transfer', me, BOB, '5000', 'Erc20']);
  assert.equal(await provider.balance(BOB, token), '5000');
  const events = await provider.tokenEvents(token);
  assert.deepEqual(events.map((e) => [e.event, e.to, e.value]), [['Transfer', me, '1000000'], ['Transfer', BOB, '5000']]);
  const fees = await provider.fees();
  assert.equal(fees.legacy, false);
  assert.ok(BigInt(fees.fast.maxFeePerGas) >= BigInt(fees.normal.maxFeePerGas) && BigInt(fees.normal.maxFeePerGas) > BigInt(fees.baseFee));

  await sent(evm, { from: me, to: ticket, data: jigap.abiEncodeCall('mint(address,uint256)', [me, '1042']) });
  const g = await sent(evm, { from: me, to: ticket, data: jigap.erc721SafeTransferData(me, BOB, '1042') });
  assert.equal(g.proposal.explanation.en, `give ticket #1042 of contract ${ticket} to ${BOB} (from ${me})`);
  const owner = jigap.abiDecode(['address'], await provider.call(ticket, new ethers.Interface(['function ownerOf(uint256)']).encodeFunctionData('ownerOf', [1042])));
  assert.deepEqual(owner, [BOB]);

  // An unlimited approval: flagged; declined, nothing is signed.
  const approve = evm.sendFlow({ from: me, to: token, data: jigap.erc20ApproveData(BOB, ethers.MaxUint256.toString()) });
  await assert.rejects(provider.send(approve, (p) => !p.explanation.risky), (e) => e.kind === 'Refused');
  assert.equal(approve.signed(), undefined);
  // The contract's refusal, decoded before signing.
  const { evm: other, me: bob2 } = await funded();
  const mint = other.sendFlow({ from: bob2, to: ticket, data: jigap.abiEncodeCall('mint(address,uint256)', [bob2, '7']) });
  await assert.rejects(provider.prepare(mint), (e) => e.kind === 'Refused' && /only the issuer mints tickets/.test(e.message));
});

test('a node on another chain is refused before anything is signed, an unreachable one is Network', async () => {
  const { w, me } = await newWallet();
  const mainnet = new EvmWallet(w, 1);
  await assert.rejects(provider.prepare(mainnet.sendFlow({ from: me, to: BOB, value: '1' })), (e) => e.kind === 'InvalidInput' && /chain 31337/.test(e.message));
  const nowhere = new EvmProvider('http://127.0.0.1:1');
  await assert.rejects(nowhere.prepare(mainnet.sendFlow({ from: me, to: BOB })), (e) => e.kind === 'Network');
});

test('two in flight, then the first sped up (anvil with automine off)', async () => {
  const manual = await startAnvil({ automine: false });
  try {
    const p = new EvmProvider(manual.url);
    const { w, me } = await newWallet();
    await manual.rpc('anvil_setBalance', [me, '0x56bc75e2d63100000']);
    const evm = new EvmWallet(w, 31337);
    const send = async (flow) => { await p.prepare(flow); return p.submit(flow); };
    const a = await send(evm.sendFlow({ from: me, to: BOB, value: '1' }));
    const b = await send(evm.sendFlow({ from: me, to: BOB, value: '2' }));
    assert.deepEqual([a.tx.nonce, b.tx.nonce], [0, 1]);
    assert.equal((await evm.pending()).length, 2);
    const fast = await send(evm.speedUpFlow(a.hash));
    assert.equal(fast.tx.nonce, 0);
    assert.ok(BigInt(fast.tx.maxPriorityFeePerGas) > BigInt(a.tx.maxPriorityFeePerGas));
    assert.ok(BigInt(fast.tx.maxFeePerGas) >= BigInt(a.tx.maxFeePerGas) * 9n / 8n);
    await manual.rpc('evm_mine');
    assert.equal((await p.waitForReceipt(evm, fast.hash, { timeoutMs: 5000, pollMs: 20 })).status, true);
    assert.equal((await p.waitForReceipt(evm, b.hash, { timeoutMs: 5000, pollMs: 20 })).status, true);
    assert.equal(await p.waitForReceipt(evm, a.hash, { timeoutMs: 0 }), undefined, 'replaced: never mined');
    assert.deepEqual(await evm.pending(), []);
  } finally {
    await manual.stop();
  }
});
