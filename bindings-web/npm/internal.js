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
    return fn();
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
    return fn();
  } catch (e) {
    throw typed(e);
  }
}
