import { JigapError } from './internal.js';

// Stores for the jigap web package. A store is any object with synchronous
// get(key) / scan(prefix) / write(ops) over Uint8Array keys and values (see index.d.ts).

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of a Uint8Array; its string order equals the byte order of the keys. */
export function toHex(bytes) {
  let s = '';
  for (const b of bytes) s += HEX[b];
  return s;
}

export function fromHex(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A store in memory (Node, tests, short sessions). */
export class MemoryStore {
  #map = new Map();
  #sorted = null;

  get(key) {
    return this.#map.get(toHex(key))?.value;
  }

  scan(prefix) {
    const p = toHex(prefix);
    if (!this.#sorted) this.#sorted = [...this.#map.keys()].sort();
    const out = [];
    // Binary search for the first key >= prefix, then walk while the prefix matches.
    let lo = 0, hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#sorted[mid] < p) lo = mid + 1; else hi = mid;
    }
    for (let i = lo; i < this.#sorted.length && this.#sorted[i].startsWith(p); i++) {
      out.push(this.#map.get(this.#sorted[i]));
    }
    return out;
  }

  write(ops) {
    for (const { key, value } of ops) {
      const k = toHex(key);
      if (value == null) this.#map.delete(k);
      else this.#map.set(k, { key: Uint8Array.from(key), value: Uint8Array.from(value) });
    }
    this.#sorted = null;
  }

  /** Number of records. */
  get size() {
    return this.#map.size;
  }
}

/** Every IndexedDB failure reaches the app as a JigapError of kind Storage, as the types promise. */
function storageError(what, e) {
  return new JigapError('Storage', `IndexedDB ${what} failed (${e?.name ?? 'Error'}: ${e?.message ?? e}); check the browser's storage quota and settings, then reopen the store`);
}

function request(req, what = 'request') {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(storageError(what, req.error));
  });
}

/** The record holding the store's generation (never a hex key, so it cannot collide). */
const GEN_KEY = '~generation';

/** In-page queues standing in for Web Locks where `navigator.locks` is missing. */
const queues = new Map();

/**
 * A store in the browser's IndexedDB. Records are loaded into memory when the store opens, so
 * the wallet core can read them synchronously; each batch the core writes is applied to memory
 * at once and committed to IndexedDB in one transaction by flush(), which the Wallet methods
 * await before they return.
 *
 * Several tabs (or several stores in one page) may open the same database: every Wallet call
 * runs inside `exclusive()`, a Web Lock named after the database, and begins with `refresh()`,
 * which re-reads the records when another writer committed since (each commit bumps a
 * generation counter in the same IndexedDB transaction). So two tabs take turns, and each sees
 * the other's payments before making its own.
 */
export class IndexedDbStore {
  #db; #mem; #name; #gen; #pending = []; #failed = null;

  constructor(db, mem, name, gen) {
    this.#db = db;
    this.#mem = mem;
    this.#name = name;
    this.#gen = gen;
  }

  /** Open (or create) the database `name`. */
  static async open(name = 'jigap', { indexedDB = globalThis.indexedDB } = {}) {
    if (!indexedDB) {
      throw new JigapError('Storage', 'IndexedDB is not available here (Node, or a private window that blocks it); use MemoryStore or your own store');
    }
    let open;
    try {
      open = indexedDB.open(name, 1);
    } catch (e) {
      throw storageError('open', e);
    }
    open.onupgradeneeded = () => open.result.createObjectStore('records');
    const db = await request(open, 'open');
    const s = new IndexedDbStore(db, new MemoryStore(), name, null);
    await s.#load();
    return s;
  }

  /** Read every record (and the generation) into memory. */
  async #load() {
    const tx = this.#db.transaction('records', 'readonly');
    const store = tx.objectStore('records');
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    const mem = new MemoryStore();
    let gen = 0;
    const ops = [];
    keys.forEach((k, i) => {
      if (k === GEN_KEY) gen = values[i];
      else ops.push({ key: fromHex(k), value: new Uint8Array(values[i]) });
    });
    mem.write(ops);
    this.#mem = mem;
    this.#gen = gen;
  }

  /** Run `fn` holding this database's lock, shared with every tab and store on it. */
  async exclusive(fn) {
    const name = `jigap-indexeddb:${this.#name}`;
    if (globalThis.navigator?.locks?.request) {
      return globalThis.navigator.locks.request(name, { mode: 'exclusive' }, fn);
    }
    const prev = queues.get(name) ?? Promise.resolve();
    let release;
    const mine = new Promise((r) => { release = r; });
    queues.set(name, prev.then(() => mine));
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (queues.get(name) === mine) queues.delete(name);
    }
  }

  /** Re-read the records if another writer committed since this store last looked. */
  async refresh() {
    this.#check();
    if (this.#pending.length > 0) return; // our own writes are not flushed yet
    const tx = this.#db.transaction('records', 'readonly');
    const gen = (await request(tx.objectStore('records').get(GEN_KEY))) ?? 0;
    if (gen !== this.#gen) await this.#load();
  }

  get(key) {
    this.#check();
    return this.#mem.get(key);
  }

  scan(prefix) {
    this.#check();
    return this.#mem.scan(prefix);
  }

  write(ops) {
    this.#check();
    this.#mem.write(ops);
    this.#pending.push(ops.map(({ key, value }) => ({ key: toHex(key), value: value == null ? null : Uint8Array.from(value) })));
  }

  /** Commit every pending batch, and the next generation, in one IndexedDB transaction. */
  async flush() {
    if (this.#pending.length === 0) return;
    const batches = this.#pending.splice(0);
    const tx = this.#db.transaction('records', 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('records');
    for (const ops of batches) {
      for (const { key, value } of ops) {
        if (value == null) store.delete(key); else store.put(value, key);
      }
    }
    const next = this.#gen + 1;
    store.put(next, GEN_KEY);
    try {
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? { name: 'AbortError', message: 'transaction aborted' });
      });
      this.#gen = next;
    } catch (e) {
      // Memory is now ahead of the disk: refuse further use until the store is reopened.
      this.#failed = e;
      throw storageError('commit', e);
    }
  }

  #check() {
    if (this.#failed) throw new JigapError('Storage', `IndexedDB commit failed earlier (${this.#failed}); reopen the store`);
  }

  close() {
    this.#db.close();
  }

  /** Delete the database `name` (close every store on it first). */
  static async destroy(name = 'jigap', { indexedDB = globalThis.indexedDB } = {}) {
    if (!indexedDB) throw new JigapError('Storage', 'IndexedDB is not available here; nothing to delete');
    await request(indexedDB.deleteDatabase(name), 'delete');
  }
}
