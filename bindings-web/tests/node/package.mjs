// The package under test: `bindings-web/pkg` (the full package), or the one `JIGAP_PKG` names
// (`cargo xtask js` also runs these tests on `bindings-web/pkg-vouchers`). Tests of a part the
// package was built without are skipped, and say so.
import { test as nodeTest } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dir = process.env.JIGAP_PKG
  ? pathToFileURL(resolve(process.env.JIGAP_PKG) + '/').href
  : new URL('../../pkg/', import.meta.url).href;

/** The `jigap` module of the package under test. */
export const jigap = await import(new URL('index.js', dir).href);

/** Whether the package carries an optional part (`tickets`, `credentials`). */
export const has = (feature) => jigap.jigapFeatures().includes(feature);

/** `test` for the tests of one optional part: skipped when the package leaves it out. */
export function testOf(feature) {
  const skip = has(feature) ? false : `this package was built without ${feature}`;
  return (name, fn) => nodeTest(name, { skip }, fn);
}
