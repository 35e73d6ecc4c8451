// A real Ethereum node for the Node tests: anvil (npm @foundry-rs/anvil-linux-amd64) on a free
// loopback port, and the test contracts compiled once by solc-js into target/contracts.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  s.on('error', reject);
});

/** Start anvil (chain 31337); `stop()` ends it. Under a shell that kills it if we die first. */
export async function startAnvil({ automine = true } = {}) {
  const port = await freePort();
  const bin = `${root}node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil`;
  const flags = automine ? '' : ' --no-mining';
  const child = spawn('sh', ['-c', `'${bin}' --host 127.0.0.1 --port ${port} --chain-id 31337 --quiet${flags} & a=$!; read _; kill $a`], { stdio: ['pipe', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const rpc = async (method, params = []) => {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const j = await r.json();
    if (j.error) throw new Error(`${method}: ${j.error.message}`);
    return j.result;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try { await rpc('eth_chainId'); break; } catch (e) {
      if (Date.now() > deadline) throw new Error(`anvil did not start on ${url}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const stop = () => new Promise((resolve) => { child.on('exit', resolve); child.stdin.end('\n'); });
  return { url, rpc, stop };
}

/** A compiled test contract: { abi, bytecode }. */
export function contract(name) {
  execFileSync('node', [`${root}scripts/contracts/compile.mjs`, `${root}target/contracts`, `${root}contracts`, `${root}tests/contracts`], { stdio: 'inherit' });
  return JSON.parse(readFileSync(`${root}target/contracts/${name}.json`, 'utf8'));
}
