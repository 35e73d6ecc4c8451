// Shared by the modules of the jigap package: the typed error and the call wrappers.

/** Every error jigap throws: `kind` names it (as the Kotlin exception does), `message` says what to do. */
export class JigapError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'JigapError';
    this.kind = kind;
  }
}

export function typed(e) {
  if (e instanceof JigapError) return e;
  if (e && e.name === 'JigapError') return new JigapError(e.kind, e.message);
  return e;
}

/**
 * Run a core call, map its error, and commit what it wrote (even when it failed: a wrong PIN is
 * counted). A store shared between tabs (IndexedDbStore) is locked for the whole call and
 * refreshed first, so the core sees every other tab's commits before it decides anything.
 */
export async function call(store, fn) {
  if (store && typeof store.exclusive === 'function') {
    return store.exclusive(async () => {
      try {
        await store.refresh();
      } catch (e) {
        throw typed(e);
      }
      return commit(store, fn);
    });
  }
  return commit(store, fn);
}

async function commit(store, fn) {
  try {
    return narrow(fn());
  } catch (e) {
    throw typed(e);
  } finally {
    if (store && typeof store.flush === 'function') {
      try {
        await store.flush();
      } catch (e) {
        throw new JigapError('Storage', `storage failed: ${e?.message ?? e}; nothing was changed, retry once the storage is available`);
      }
    }
  }
}

export function sync(fn) {
  try {
    return narrow(fn());
  } catch (e) {
    throw typed(e);
  }
}

/**
 * 64-bit numbers come out of the core as BigInt; every one that fits a JS number exactly
 * (|n| ≤ 2^53 − 1) becomes a number, so apps see `number` for every amount and time in
 * practice and a BigInt only where rounding would lie.
 */
export function narrow(v) {
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = narrow(v[i]);
  } else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const k of Object.keys(v)) v[k] = narrow(v[k]);
  }
  return v;
}

/**
 * A copy of `v` without the properties that are `undefined`, as the core reads them: a
 * property set to `undefined` is a property left out (its default applies).
 */
export function clean(v) {
  if (Array.isArray(v)) return v.map(clean);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clean(x);
    return out;
  }
  return v;
}

/**
 * Give `Class` an async method for every method of the wasm class `Wasm` (the same name and
 * arguments, returning a Promise), calling `this._inner` and committing to `this._store`.
 * `syncNames` stay synchronous; getters of the wasm class become getters here.
 */
export function mirror(Class, Wasm, syncNames = []) {
  for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(Wasm.prototype))) {
    if (name === 'constructor' || name === 'free' || name in Class.prototype) continue;
    if (d.get) {
      Object.defineProperty(Class.prototype, name, { get() { return sync(() => this._inner[name]); } });
    } else if (syncNames.includes(name)) {
      Class.prototype[name] = function (...a) { return sync(() => this._inner[name](...a.map(clean))); };
    } else {
      Class.prototype[name] = function (...a) { return call(this._store, () => this._inner[name](...a.map(clean))); };
    }
  }
  Class.prototype.free = function () { this._inner.free(); };
  Class.prototype[Symbol.dispose] = function () { this._inner.free(); };
}
