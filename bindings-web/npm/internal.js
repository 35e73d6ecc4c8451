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

/** Run a core call, map its error, and commit what it wrote (even when it failed: a wrong PIN is counted). */
export async function call(store, fn) {
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
