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

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * A store in the browser's IndexedDB. Records are loaded into memory when the store opens, so
 * the wallet core can read them synchronously; each batch the core writes is applied to memory
 * at once and committed to IndexedDB in one transaction by flush(), which the Wallet methods
 * await before they return.
 */
export class IndexedDbStore {
  #db; #mem; #pending = []; #failed = null;

  constructor(db, mem) {
    this.#db = db;
    this.#mem = mem;
  }

  /** Open (or create) the database `name`. */
  static async open(name = 'jigap', { indexedDB = globalThis.indexedDB } = {}) {
    if (!indexedDB) throw new Error('IndexedDB is not available here; use MemoryStore or your own store');
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('records');
    const db = await request(open);
    const mem = new MemoryStore();
    const tx = db.transaction('records', 'readonly');
    const store = tx.objectStore('records');
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    mem.write(keys.map((k, i) => ({ key: fromHex(k), value: new Uint8Array(values[i]) })));
    return new IndexedDbStore(db, mem);
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

  /** Commit every pending batch in one IndexedDB transaction. */
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
    try {
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      });
    } catch (e) {
      // Memory is now ahead of the disk: refuse further use until the store is reopened.
      this.#failed = e;
      throw e;
    }
  }

  #check() {
    if (this.#failed) throw new Error(`IndexedDB commit failed earlier (${this.#failed}); reopen the store`);
  }

  close() {
    this.#db.close();
  }

  /** Delete the database `name` (close every store on it first). */
  static async destroy(name = 'jigap', { indexedDB = globalThis.indexedDB } = {}) {
    await request(indexedDB.deleteDatabase(name));
  }
}
