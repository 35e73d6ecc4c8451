// The phone-app flows of the Kotlin tests, from JavaScript in Node, checked against ethers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { ethers } from 'ethers';
import { jigap } from './package.mjs';

const { Wallet, MemoryStore, JigapError } = jigap;
const FAST = jigap.kdfFastInsecure();
const MAIL = JSON.parse(await readFile(new URL('../../../tests/vectors/eip712-mail.json', import.meta.url), 'utf8'));

/** A store kept by JavaScript in one JSON file (rewritten atomically per batch). */
class FileStore extends MemoryStore {
  constructor(path) {
    super();
    this.path = path;
    if (existsSync(path)) {
      const rows = JSON.parse(readFileSync(path, 'utf8'));
      super.write(rows.map(([k, v]) => ({ key: Buffer.from(k, 'hex'), value: Buffer.from(v, 'hex') })));
    }
  }
  write(ops) {
    super.write(ops);
    const rows = this.scan(new Uint8Array()).map(({ key, value }) => [Buffer.from(key).toString('hex'), Buffer.from(value).toString('hex')]);
    writeFileSync(this.path + '.tmp', JSON.stringify(rows));
    renameSync(this.path + '.tmp', this.path);
  }
}

/** A key protector on Node's synchronous AES-GCM, as an app would use a platform key. */
class NodeProtector {
  constructor(key = randomBytes(32)) { this.key = key; }
  id() { return 'node-aes-gcm:test'; }
  wrap(data) {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    return new Uint8Array(Buffer.concat([iv, c.update(data), c.final(), c.getAuthTag()]));
  }
  unwrap(data) {
    const b = Buffer.from(data);
    const d = createDecipheriv('aes-256-gcm', this.key, b.subarray(0, 12));
    d.setAuthTag(b.subarray(b.length - 16));
    return new Uint8Array(Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]));
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'jigap-js-'));

test('the package says which optional parts it carries, and carries exactly those', () => {
  const features = jigap.jigapFeatures();
  const expected = process.env.JIGAP_PKG?.includes('pkg-vouchers') ? [] : ['tickets', 'credentials'];
  for (const f of ['tickets', 'credentials']) {
    assert.equal(features.includes(f), expected.includes(f), `${f} in ${features}`);
  }
  assert.equal(typeof jigap.Tickets === 'function', features.includes('tickets'));
  assert.equal(typeof jigap.Credentials === 'function', features.includes('credentials'));
  assert.equal(typeof jigap.Vouchers, 'function');
});

test('create and reopen, wrong PIN with attempts left, change PIN, backup and restore', async () => {
  const store = new MemoryStore();
  const w = await Wallet.create(store, '123456', { words: 12, language: 'ko', kdf: FAST });
  const { address } = await w.account(0);
  const phrase = await w.exportMnemonic('123456');
  assert.equal(phrase.split(' ').length, 12);
  assert.deepEqual(jigap.validateMnemonic(phrase), { language: 'ko', words: 12 });
  w.free();

  const again = await Wallet.open(store, { kdf: FAST });
  await assert.rejects(again.unlock('000000'), (e) => e instanceof JigapError && e.kind === 'WrongPin' && e.message === 'wrong PIN: 9 attempts left');
  assert.equal(await again.attemptsLeft(), 9);
  await assert.rejects(again.account(0), { kind: 'Locked' });
  await again.unlock('123456');
  assert.equal((await again.account(0)).address, address);
  assert.ok((await again.identity(0)).did.startsWith('did:key:zQ3s'));
  await again.changePin('123456', '654321');
  again.lock();
  await assert.rejects(again.unlock('123456'), { kind: 'WrongPin' });
  await again.unlock('654321');

  // Backups are protected by a code shown once (never by the PIN alone).
  const made = await again.backup('654321');
  assert.match(made.code, /^\d{4}(-\d{4}){7}$/);
  assert.equal(jigap.inspectBackup(made.bytes).protection, 'code');
  // The PIN is not a backup code: refused before any decryption is tried.
  await assert.rejects(Wallet.restoreBackup(new MemoryStore(), made.bytes, '654321', '654321', { kdf: FAST }), { kind: 'InvalidInput' });
  const restored = await Wallet.restoreBackup(new MemoryStore(), made.bytes, made.code, '222222', { kdf: FAST });
  assert.equal((await restored.account(0)).address, address);
  await assert.rejects(again.backup('654321', 'password1'), { kind: 'InvalidInput' });
  const strong = await again.backup('654321', 'maple orbit velvet canyon ripple fossil quiz');
  assert.equal(strong.code, undefined);
  const backup = made.bytes;
  const fromPhrase = await Wallet.restore(new MemoryStore(), '111111', phrase, { kdf: FAST });
  assert.equal((await fromPhrase.account(0)).address, address);
  backup[backup.length >> 1] ^= 1;
  await assert.rejects(Wallet.restoreBackup(new MemoryStore(), backup, made.code, '654321', { kdf: FAST }), { kind: 'Authentication' });
});

test('sign typed data and messages; ethers recovers the same address and digest', async () => {
  const w = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const me = (await w.account(0)).address;
  const { digest, signature } = await w.signTypedData(me, MAIL.typed_data);
  assert.equal(digest, MAIL.digest);
  assert.equal(jigap.typedDataDigest(JSON.stringify(MAIL.typed_data)), MAIL.digest);
  const { EIP712Domain, ...types } = MAIL.typed_data.types;
  assert.equal(ethers.TypedDataEncoder.hash(MAIL.typed_data.domain, types, MAIL.typed_data.message), digest);
  assert.equal(ethers.verifyTypedData(MAIL.typed_data.domain, types, MAIL.typed_data.message, signature), me);
  assert.equal(jigap.recoverTypedDataSigner(MAIL.typed_data, signature), me);
  const sig = await w.signMessage(me, '안녕하세요');
  assert.equal(ethers.verifyMessage('안녕하세요', sig), me);
  assert.equal(jigap.recoverMessageSigner(new TextEncoder().encode('안녕하세요'), sig), me);
  await assert.rejects(w.signTypedData(me, '{"types":{}}'), (e) => e.kind === 'InvalidInput' && e.message.startsWith('typed data'));
  await assert.rejects(w.signMessage('0x0000000000000000000000000000000000000001', 'x'), { kind: 'UnknownAccount' });
});

test('Korean and English BIP39 in the web build match ethers (NFC input)', async () => {
  const vectors = JSON.parse(await readFile(new URL('../../../tests/vectors/bip39/trezor-vectors.json', import.meta.url), 'utf8'));
  for (const [lang, wordlist] of [['korean', ethers.wordlists.ko], ['english', ethers.wordlists.en]]) {
    for (const [, phrase] of vectors[lang].slice(0, 6)) {
      const nfc = phrase.normalize('NFC');
      const w = await Wallet.restore(new MemoryStore(), '123456', nfc, { passphrase: 'TREZOR', kdf: FAST });
      const expected = ethers.HDNodeWallet.fromPhrase(phrase, 'TREZOR', "m/44'/60'/0'/0/0", wordlist).address;
      assert.equal((await w.account(0)).address, expected, `${lang}: ${nfc}`);
      w.free();
    }
  }
  assert.throws(() => jigap.validateMnemonic('가격 가격 가격 가격 appl 가격 가격 가격 가격 가격 가격 가능', 'ko'),
    (e) => e.kind === 'InvalidInput' && e.message === "word 5 is not in the Korean wordlist; check its spelling");
});

test('keystores round-trip with ethers in both directions', async () => {
  const w = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const me = (await w.account(0)).address;
  const json = await w.exportKeystore(me, 'correct horse', 'scrypt-light');
  assert.equal((await ethers.Wallet.fromEncryptedJson(json, 'correct horse')).address, me);
  assert.equal(jigap.keystoreAddress(json, 'correct horse'), me);
  assert.throws(() => jigap.keystoreAddress(json, 'wrong'), { kind: 'Authentication' });
  const other = ethers.Wallet.createRandom();
  const theirs = ethers.encryptKeystoreJsonSync({ address: other.address, privateKey: other.privateKey }, 'pw', { scrypt: { N: 1 << 12 } });
  const imported = await w.importKeystore(theirs, 'pw');
  assert.equal(imported.address, other.address);
  assert.equal(imported.path, undefined);
  assert.equal(ethers.verifyMessage('hi', await w.signMessage(other.address, 'hi')), other.address);
});

test('a JavaScript store persists the wallet between instances and passes the conformance suite', async () => {
  const dir = tmp();
  jigap.checkStoreConformance(new FileStore(join(dir, 'conformance.json')));
  jigap.checkStoreConformance(new MemoryStore());
  // The same cases one at a time, as an app's own test runner would list them.
  const cases = jigap.storeConformanceCases();
  assert.ok(cases.length >= 9 && cases.includes('refused_batch_changes_nothing'), String(cases));
  for (const name of cases) jigap.checkStoreConformanceCase(new FileStore(join(dir, `${name}.json`)), name);
  assert.throws(() => jigap.checkStoreConformanceCase(new MemoryStore(), 'no such case'),
    (e) => e instanceof jigap.JigapError && e.kind === 'InvalidInput' && e.message.includes('no such case'));
  const file = join(dir, 'wallet.json');
  const w = await Wallet.create(new FileStore(file), '123456', { kdf: FAST });
  const second = (await w.addAccount()).address;
  w.free();
  const w2 = await Wallet.open(new FileStore(file), { kdf: FAST });
  await w2.unlock('123456');
  assert.equal((await w2.accounts())[1].address, second);
  assert.equal(ethers.verifyMessage('x', await w2.signMessage(second, 'x')), second);
});

test('IndexedDbStore outside a browser fails with a JigapError, as the types promise', async () => {
  await assert.rejects(jigap.IndexedDbStore.open('w'),
    (e) => e instanceof jigap.JigapError && e.kind === 'Storage' && e.message.includes('MemoryStore'));
  // An IndexedDB that fails to open (a blocked or broken one) is a Storage error too.
  const broken = { open() { throw new DOMException('The operation is insecure.', 'SecurityError'); } };
  await assert.rejects(jigap.IndexedDbStore.open('w', { indexedDB: broken }),
    (e) => e instanceof jigap.JigapError && e.kind === 'Storage' && e.message.includes('SecurityError'));
  const failing = { open() { const r = {}; queueMicrotask(() => { r.error = new DOMException('quota', 'QuotaExceededError'); r.onerror(); }); return r; } };
  await assert.rejects(jigap.IndexedDbStore.open('w', { indexedDB: failing }),
    (e) => e instanceof jigap.JigapError && e.kind === 'Storage' && e.message.includes('QuotaExceededError'));
});

test('exceptions inside a JavaScript store become Storage errors', async () => {
  const broken = { get: () => undefined, scan: () => [], write: () => { throw new Error('disk full'); } };
  await assert.rejects(Wallet.create(broken, '123456', { kdf: FAST }), (e) => e.kind === 'Storage' && e.message.includes('disk full'));
  const failingFlush = new MemoryStore();
  failingFlush.flush = async () => { throw new Error('quota exceeded'); };
  await assert.rejects(Wallet.create(failingFlush, '123456', { kdf: FAST }), (e) => e.kind === 'Storage' && e.message.includes('quota exceeded'));
});

test('a JavaScript key protector wraps the data key a second time', async () => {
  const store = new MemoryStore();
  const key = randomBytes(32);
  const w = await Wallet.create(store, '123456', { kdf: FAST }, new NodeProtector(key));
  const me = (await w.account(0)).address;
  await assert.rejects(Wallet.open(store, { kdf: FAST }), (e) => e.kind === 'Protector' && e.message.includes('node-aes-gcm:test'));
  const wrong = await Wallet.open(store, { kdf: FAST, protector: new NodeProtector() });
  await assert.rejects(wrong.unlock('123456'), { kind: 'Protector' });
  const right = await Wallet.open(store, { kdf: FAST, protector: new NodeProtector(key) });
  await right.unlock('123456');
  assert.equal((await right.account(0)).address, me);
});

test('many calls in flight at once', async () => {
  const w = await Wallet.create(new MemoryStore(), '123456', { kdf: FAST });
  const accounts = [];
  for (let i = 0; i < 4; i++) accounts.push((await w.addAccount()).address);
  const results = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
    const a = accounts[i % 4];
    if (i % 2) return ethers.verifyMessage(`m${i}`, await w.signMessage(a, `m${i}`)) === a;
    return jigap.recoverTypedDataSigner(MAIL.typed_data, (await w.signTypedData(a, MAIL.typed_data)).signature) === a;
  }));
  assert.ok(results.every(Boolean));
});
