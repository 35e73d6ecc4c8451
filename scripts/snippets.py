#!/usr/bin/env python3
"""Run every code block of README.md and docs/*.md, so the front door cannot drift.

Each ```rust, ```kotlin, ```swift and ```js block must have, on the line above it, a marker
    <!-- check: MODE; placeholders: a, b -->
MODE: `run` (Kotlin on the JVM, JavaScript in Node, Rust as a test of jigap-tests: see
tests/build.rs), `compile` (Kotlin only: compiled, not run), `browser` (JavaScript in headless
Chromium), `syntax` (Swift: tree-sitter). The placeholders are the names a block takes from the
app; they are defined below per language, and nothing else is added to a block. A block without
a marker, or with an unknown placeholder, fails.

Usage: snippets.py            (after `cargo xtask mobile` and `cargo xtask web`)
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "snippets"
MARK = re.compile(r"<!--\s*check:\s*(\w+)\s*(?:;\s*placeholders:\s*([^>]*?))?\s*-->")
MODES = {"rust": {"run"}, "kotlin": {"run", "compile"}, "swift": {"syntax"}, "js": {"run", "browser"}}
MAIL = (ROOT / "tests" / "vectors" / "eip712-mail.json").read_text(encoding="utf-8")
MAIL_TYPED = json.dumps(json.loads(MAIL)["typed_data"])

# Kotlin placeholders: local declarations put before the block's body.
KOTLIN = {
    "context": 'val context = object { val filesDir: java.io.File = java.nio.file.Files.createTempDirectory("jigap-readme").toFile() }',
    "pin": 'val pin = "246810"',
    "protector": "val protector = snippets.JvmProtector()",
    "typedDataJson": "val typedDataJson = snippets.MAIL",
    "showError": "fun showError(message: String?) = println(message)",
    "wallet": "val wallet = snippets.testWallet()",
    "issuerWallet": "val issuerWallet = snippets.testWallet()",
    "shopWallet": "val shopWallet = snippets.testWallet()",
    "contract": 'val contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"',
    "doors": "val doors = (System.currentTimeMillis() / 1000 - 3_600).toULong()",
    "start": "val start = (System.currentTimeMillis() / 1000 + 1_800).toULong()",
    "end": "val end = (System.currentTimeMillis() / 1000 + 4 * 3_600).toULong()",
    "nonce": 'val nonce = "n-${System.nanoTime()}"',
    # The URL of the anvil node this script starts; funds the block's `wallet` there (an app gets
    # its funds elsewhere), so `wallet` must come first in the list.
    "rpcUrl": 'val rpcUrl = snippets.RPC_URL.also { snippets.fund(wallet.account(0u).address) }',
    "transport": "val transport = snippets.HttpTransport(rpcUrl)",
}

# JavaScript placeholders: module-level declarations put before the block.
JS = {
    "typedData": f"const typedData = {MAIL_TYPED};",
    "wallet": "const wallet = await __j.Wallet.create(new __j.MemoryStore(), '246810', { kdf: __j.kdfFastInsecure() });",
    "issuerWallet": "const issuerWallet = await __j.Wallet.create(new __j.MemoryStore(), '246810', { kdf: __j.kdfFastInsecure() });",
    "shopWallet": "const shopWallet = await __j.Wallet.create(new __j.MemoryStore(), '246810', { kdf: __j.kdfFastInsecure() });",
    "contract": "const contract = '0x5FbDB2315678afecb367f032d93F642f64180aa3';",
    "doorsOpen": "const doorsOpen = Math.floor(Date.now() / 1000) - 3_600;",
    "start": "const start = Math.floor(Date.now() / 1000) + 1_800;",
    "end": "const end = Math.floor(Date.now() / 1000) + 4 * 3_600;",
    "nonce": "const nonce = `n-${Date.now()}`;",
    # As in Kotlin: the node this script starts, with the block's `wallet` funded on it.
    "rpcUrl": "const rpcUrl = process.env.JIGAP_RPC_URL; await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_setBalance', params: [(await wallet.account(0)).address, '0x56bc75e2d63100000'] }) });",
}

# What the Kotlin blocks share: a KeyProtector on the JVM, the EIP-712 example, test wallets.
KOTLIN_SUPPORT = '''package snippets

import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.spec.GCMParameterSpec

val MAIL = """%s"""

/** AES-GCM in memory: stands in for the Android Keystore protector on the JVM. */
class JvmProtector : org.jigap.KeyProtector {
    private val key = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    override fun id() = "jvm-aes-gcm:readme"
    override fun wrap(data: ByteArray): ByteArray {
        val c = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, key) }
        return c.iv + c.doFinal(data)
    }
    override fun unwrap(data: ByteArray): ByteArray {
        val c = Cipher.getInstance("AES/GCM/NoPadding")
        c.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, data, 0, 12))
        return c.doFinal(data, 12, data.size - 12)
    }
}

/** The anvil node snippets.py started. */
val RPC_URL: String = System.getenv("JIGAP_RPC_URL") ?: error("JIGAP_RPC_URL is not set: run through scripts/snippets.py")

/** JSON-RPC through java.net.http: the app's HTTP stack on the JVM. */
class HttpTransport(private val url: String) : org.jigap.JsonRpcTransport {
    private val client = java.net.http.HttpClient.newHttpClient()
    override fun call(body: String): String = client.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body()
}

/** 100 ETH to `address` on the node. */
fun fund(address: String) {
    HttpTransport(RPC_URL).call("""{"jsonrpc":"2.0","id":1,"method":"anvil_setBalance","params":["$address","0x56bc75e2d63100000"]}""")
}

fun testWallet(): org.jigap.Wallet =
    org.jigap.Wallet.create(org.jigap.JigapStore.memory(), "246810", org.jigap.core.CreateOptions(kdf = org.jigap.kdfFastInsecure()))
''' % MAIL_TYPED

# Type stubs of the two Android classes the Keystore protector uses (compile only).
ANDROID_STUBS = '''package android.security.keystore

object KeyProperties {
    const val KEY_ALGORITHM_AES = "AES"
    const val PURPOSE_ENCRYPT = 1
    const val PURPOSE_DECRYPT = 2
    const val BLOCK_MODE_GCM = "GCM"
    const val ENCRYPTION_PADDING_NONE = "NoPadding"
}

class KeyGenParameterSpec private constructor() : java.security.spec.AlgorithmParameterSpec {
    class Builder(alias: String, purposes: Int) {
        fun setBlockModes(vararg modes: String) = this
        fun setEncryptionPaddings(vararg paddings: String) = this
        fun setKeySize(bits: Int) = this
        fun build() = KeyGenParameterSpec()
    }
}
'''


# Type stubs of the OkHttp API the README's transport uses (compile only: no Maven here).
OKHTTP_STUBS = '''package okhttp3

class MediaType { companion object { fun String.toMediaType(): MediaType = MediaType() } }
open class RequestBody { companion object { fun String.toRequestBody(type: MediaType? = null): RequestBody = RequestBody() } }
class ResponseBody { fun string(): String = "" }
class Response : java.io.Closeable { val body: ResponseBody? = null; override fun close() {} }
interface Call { fun execute(): Response }
open class OkHttpClient { fun newCall(request: Request): Call = object : Call { override fun execute() = Response() } }
class Request private constructor() {
    class Builder {
        fun url(url: String) = this
        fun post(body: RequestBody) = this
        fun build() = Request()
    }
}
'''


def start_node():
    """anvil on a free loopback port for the on-chain snippets, stopped when this script ends."""
    import socket
    import time
    import urllib.request
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    anvil = ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
    # Under a shell that kills anvil when our end of its stdin closes, even if we die first.
    proc = subprocess.Popen(["sh", "-c", f"'{anvil}' --host 127.0.0.1 --port {port} --quiet & a=$!; read _; kill $a"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
    for _ in range(400):
        try:
            urllib.request.urlopen(urllib.request.Request(url, body, {"content-type": "application/json"}), timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    else:
        fail(f"anvil did not start on {url}")
    os.environ["JIGAP_RPC_URL"] = url
    return proc


def fail(msg):
    print(f"snippets: {msg}", file=sys.stderr)
    sys.exit(1)


def blocks():
    for md in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        lines = md.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            m = re.match(r"^```(\w+)\s*$", lines[i])
            if not m:
                i += 1
                continue
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            lang = m.group(1)
            if lang in MODES:
                where = f"{md.relative_to(ROOT)}:{i + 1}"
                mark = MARK.fullmatch(lines[i - 1].strip()) if i > 0 else None
                if not mark:
                    fail(f"{where}: a {lang} block needs a `<!-- check: MODE; placeholders: … -->` line above it")
                mode = mark.group(1)
                if mode not in MODES[lang]:
                    fail(f"{where}: mode {mode!r} is not one of {sorted(MODES[lang])} for {lang}")
                names = [p.strip() for p in (mark.group(2) or "").split(",") if p.strip()]
                yield {"where": where, "lang": lang, "mode": mode, "placeholders": names,
                       "code": "\n".join(lines[i + 1:j])}
            i = j + 1


def defs(table, block):
    out = []
    for n in block["placeholders"]:
        if n not in table:
            fail(f"{block['where']}: no {block['lang']} placeholder is called {n!r} (known: {', '.join(table)})")
        out.append(table[n])
    return "\n".join(out)


def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    r = subprocess.run(cmd, **kw)
    if r.returncode != 0:
        fail(f"`{' '.join(str(c) for c in cmd)}` failed ({r.returncode})")


def kotlin(bs):
    d = OUT / "kotlin"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    (d / "Support.kt").write_text(KOTLIN_SUPPORT, encoding="utf-8")
    (d / "AndroidStubs.kt").write_text(ANDROID_STUBS, encoding="utf-8")
    (d / "OkHttpStubs.kt").write_text(OKHTTP_STUBS, encoding="utf-8")
    runs = []
    for n, b in enumerate(bs):
        code = b["code"].splitlines()
        imports = [l for l in code if l.startswith("import ")]
        body = [l for l in code if not l.startswith("import ")]
        head = f"// {b['where']}\n@file:Suppress(\"UNUSED_VARIABLE\")\npackage snippets.s{n}\n\n" + "\n".join(imports) + "\n\n"
        if any(re.match(r"^(class|object|interface|fun) ", l) for l in body):
            text = head + "\n".join(body) + "\n"   # declarations: the block is a file of its own
        else:
            text = head + "fun run() {\n" + defs(KOTLIN, b) + "\n" + "\n".join(body) + "\n}\n"
            if b["mode"] == "run":
                runs.append((n, b["where"]))
        (d / f"Snippet{n}.kt").write_text(text, encoding="utf-8")
    main = "package snippets\n\nfun main() {\n" + "".join(
        f'    println("run: {w}")\n    snippets.s{n}.run()\n' for n, w in runs) + '    println("kotlin snippets: ' + str(len(runs)) + ' run")\n}\n'
    (d / "Main.kt").write_text(main, encoding="utf-8")
    kc = ROOT / "node_modules" / "kotlin-compiler" / "lib"
    tests_jar = ROOT / "target" / "kotlin" / "jigap-tests.jar"   # holds the compiled JVM bindings
    if not tests_jar.exists():
        fail("target/kotlin/jigap-tests.jar is missing: run `cargo xtask mobile` first")
    cp = f"{tests_jar}:/usr/share/java/jna.jar:{kc}/kotlin-stdlib.jar"
    jar = d / "snippets.jar"
    run([ROOT / "node_modules" / "kotlin-compiler" / "bin" / "kotlinc", "-cp", cp, "-d", jar, *sorted(d.glob("*.kt"))])
    run(["java", f"-Djna.library.path={ROOT / 'target' / 'debug'}", "-cp", f"{jar}:{cp}", "snippets.MainKt"])


def js(bs):
    d = OUT / "js"
    shutil.rmtree(d, ignore_errors=True)
    (d / "node_modules").mkdir(parents=True)
    pkg = ROOT / "bindings-web" / "pkg"
    if not (pkg / "index.js").exists():
        fail("bindings-web/pkg is missing: run `cargo xtask web` first")
    os.symlink(pkg, d / "node_modules" / "jigap")
    browser = []
    for n, b in enumerate(bs):
        text = f"// {b['where']}\nimport * as __j from 'jigap';\n{defs(JS, b)}\n{b['code']}\n"
        f = d / f"snippet{n}.mjs"
        if b["mode"] == "browser":
            f.write_text(text + "globalThis.__snippetDone = true;\n", encoding="utf-8")
            (d / f"snippet{n}.html").write_text(
                '<!doctype html><meta charset="utf-8">\n'
                '<script type="importmap">{"imports":{"jigap":"/bindings-web/pkg/index.js"}}</script>\n'
                "<script>addEventListener('error', (e) => { window.__snippetError = String(e.message); });\n"
                "addEventListener('unhandledrejection', (e) => { window.__snippetError = String(e.reason?.stack ?? e.reason); });</script>\n"
                f'<script type="module" src="snippet{n}.mjs"></script>\n', encoding="utf-8")
            browser.append(f"target/snippets/js/snippet{n}.html")
        else:
            f.write_text(text, encoding="utf-8")
            print(f"run: {b['where']}", flush=True)
            run(["node", f], cwd=d, timeout=300)
    if browser:
        run(["node", ROOT / "scripts" / "snippets_browser.mjs", *browser], cwd=ROOT, timeout=600)
    print(f"js snippets: {len(bs)} run ({len(browser)} in Chromium)")


def swift(bs):
    d = OUT / "swift"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    files = []
    for n, b in enumerate(bs):
        f = d / f"snippet{n}.swift"
        f.write_text(f"// {b['where']}\n{b['code']}\n", encoding="utf-8")
        files.append(f)
    run([sys.executable, ROOT / "scripts" / "swift_syntax_check.py", *files])


def main():
    bs = list(blocks())
    by = {lang: [b for b in bs if b["lang"] == lang] for lang in MODES}
    for lang, items in by.items():
        print(f"{lang}: {len(items)} blocks")
    # Rust blocks run as tests of jigap-tests (tests/build.rs reads the same markers).
    swift(by["swift"])
    node = start_node()
    try:
        js(by["js"])
        kotlin(by["kotlin"])
    finally:
        node.stdin.close()
        node.wait()


if __name__ == "__main__":
    main()
