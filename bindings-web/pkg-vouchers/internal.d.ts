// Types shared by the package's declaration files.

/** The methods of a wasm class, each returning a Promise of what the core returns. */
export type Async<T> = {
  [K in keyof T as K extends 'free' | symbol ? never : K]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : T[K];
};

/** Frees the wasm object now (otherwise the garbage collector does). */
export interface Freeable { free(): void; [Symbol.dispose](): void }
