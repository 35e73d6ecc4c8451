// Compile the Solidity sources of the given directories with solc-js (npm `solc`, no native
// compiler, no download) against OpenZeppelin from node_modules, into OUT/<Contract>.json
// ({abi, bytecode}). Unchanged sources are not compiled again (OUT/.inputs holds their hash).
//
//   node scripts/contracts/compile.mjs OUT DIR...
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length === 0) {
  console.error('usage: node scripts/contracts/compile.mjs OUT DIR...');
  process.exit(2);
}

const sources = {};
for (const dir of dirs) {
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.sol')).sort()) {
    sources[f] = { content: readFileSync(join(dir, f), 'utf8') };
  }
}
const hash = createHash('sha256')
  .update(solc.version())
  .update(JSON.stringify(sources))
  .digest('hex');
const stamp = join(out, '.inputs');
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) process.exit(0);

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const findImports = (path) => {
  const p = join(root, 'node_modules', path);
  return existsSync(p) ? { contents: readFileSync(p, 'utf8') } : { error: `not found: ${path}` };
};
const result = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (result.errors ?? []).filter((e) => e.severity === 'error');
// OpenZeppelin's own warnings are not ours to fix; ours and every error are shown.
const ours = (e) => !(e.sourceLocation?.file ?? '').startsWith('@openzeppelin/');
for (const e of (result.errors ?? []).filter((e) => e.severity === 'error' || ours(e))) {
  console.error(e.formattedMessage);
}
if (errors.length) process.exit(1);

mkdirSync(out, { recursive: true });
for (const file of Object.keys(sources)) {
  for (const [name, c] of Object.entries(result.contracts[file])) {
    writeFileSync(
      join(out, `${name}.json`),
      JSON.stringify({ abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` }, null, 1),
    );
  }
}
writeFileSync(stamp, hash);
console.error(`compiled ${Object.keys(sources).join(', ')} with solc ${solc.version()}`);
