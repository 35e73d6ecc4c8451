package org.jigap

import java.io.File
import java.net.ServerSocket
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import org.jigap.core.*
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import org.junit.AfterClass
import org.junit.BeforeClass
import org.junit.Test

/** The app's HTTP stack as jigap's transport: here java.net.http (OkHttp on Android is the same shape). */
class HttpTransport(private val url: String) : JsonRpcTransport {
    private val client = HttpClient.newHttpClient()
    override fun call(body: String): String {
        val request = HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build()
        return try {
            client.send(request, HttpResponse.BodyHandlers.ofString()).body()
        } catch (e: java.io.IOException) {
            throw ForeignException.Failed("$url: ${e.message}")
        }
    }
}

/** What a phone app does on chain, against a real node (anvil on loopback). */
class EvmTest {
    companion object {
        private lateinit var anvil: Process
        lateinit var url: String

        /** anvil on a free port, under a shell that kills it when our end of its stdin closes (even if the JVM dies). */
        fun startAnvil(vararg flags: String): Pair<Process, String> {
            val port = ServerSocket(0).use { it.localPort }
            val bin = File("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil").absolutePath
            val p = ProcessBuilder("sh", "-c", "'$bin' --host 127.0.0.1 --port $port --chain-id 31337 --quiet ${flags.joinToString(" ")} & a=\$!; read _; kill \$a")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
            val u = "http://127.0.0.1:$port"
            val t = HttpTransport(u)
            val deadline = System.currentTimeMillis() + 20_000
            while (true) {
                try { t.call("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"""); break } catch (e: ForeignException) {
                    check(System.currentTimeMillis() < deadline) { "anvil did not start on $u" }
                    Thread.sleep(50)
                }
            }
            return p to u
        }

        fun stop(p: Process) {
            p.outputStream.close()
            p.waitFor()
        }

        @BeforeClass @JvmStatic fun startNode() {
            val (p, u) = startAnvil()
            anvil = p
            url = u
        }

        @AfterClass @JvmStatic fun stopNode() = stop(anvil)
    }

    private val node = HttpTransport(url)
    private val bob = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

    private fun funded(on: HttpTransport = node): Pair<EvmWallet, String> {
        val wallet = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val me = wallet.account(0u).address
        on.call("""{"jsonrpc":"2.0","id":1,"method":"anvil_setBalance","params":["$me","0x56bc75e2d63100000"]}""")
        return EvmWallet(wallet, 31337u) to me
    }

    private fun EvmWallet.sent(intent: SendIntent, on: HttpTransport = node): Pair<Proposal, Receipt> {
        val flow = sendFlow(intent)
        val proposal = flow.prepare(on)
        val receipt = assertNotNull(waitForReceipt(on, flow.send(on).hash, 50u, 20_000u))
        assertTrue(receipt.status)
        return proposal to receipt
    }

    private fun bytecode(name: String): String =
        Regex("\"bytecode\":\\s*\"(0x[0-9a-f]+)\"").find(File("target/contracts/$name.json").readText())!!.groupValues[1]

    @Test fun sendEthShowingWhatItDoes() {
        val (evm, me) = funded()
        val flow = evm.sendFlow(SendIntent(from = me, to = bob, value = evmParseUnits("0.05", 18u), data = "0x",
            gas = null, speed = "normal", txType = null))
        val proposal = flow.prepare(node)
        assertEquals("send 0.05 ETH to $bob", proposal.explanation.en)
        assertEquals("${bob}에게 0.05 ETH 보내기", proposal.explanation.ko)
        assertEquals(31337uL, proposal.tx.chainId)
        val signed = flow.send(node)
        assertEquals(me, evmDecodeRaw(signed.raw, 31337uL).from)
        val receipt = assertNotNull(evm.waitForReceipt(node, signed.hash, 50u, 20_000u))
        assertTrue(receipt.status)
        assertEquals(21_000uL, receipt.gasUsed)
        assertTrue(evm.pending().isEmpty())
    }

    @Test fun deployAndTransferATokenWithItsExplanation() {
        val (evm, me) = funded()
        val code = bytecode("TestToken") + abiEncode(listOf("uint256"), "[\"1000000\"]").removePrefix("0x")
        val deploy = evm.sendFlow(SendIntent(me, null, "0", code, null, null, null))
        assertEquals("deploy", deploy.prepare(node).explanation.action)
        val token = assertNotNull(evm.waitForReceipt(node, deploy.send(node).hash, 50u, 20_000u)?.contractAddress)

        val info = evmTokenInfo(node, token, TokenStandard.ERC20)
        assertEquals(KnownToken(token, TokenStandard.ERC20, "KRWT", 0u), info)
        evm.setKnownTokens(listOf(info))
        val flow = evm.sendFlow(SendIntent(me, token, "0", erc20TransferData(bob, "5000"), null, "fast", null))
        assertEquals("transfer 5,000 KRWT to $bob (token at $token)", flow.prepare(node).explanation.en)
        val receipt = assertNotNull(evm.waitForReceipt(node, flow.send(node).hash, 50u, 20_000u))
        val event = assertNotNull(evmDecodeTokenEvent(receipt.logs.single()))
        assertEquals(listOf("Transfer", me, bob, "5000"), listOf(event.event, event.from, event.to, event.value))
        assertEquals("5000", evmBalance(node, bob, token))
        assertEquals(listOf("1000000", "5000"), evmTokenEvents(node, token).map { it.value })
        val fees = evmFeeSuggestion(node)
        assertFalse(fees.legacy)
        assertTrue(fees.normal.maxFeePerGas.toBigInteger() > fees.baseFee.toBigInteger())

        // An unlimited approval is flagged before anything is signed; declining sends nothing.
        val approve = evm.sendFlow(SendIntent(me, token, "0", erc20ApproveData(bob, "0x" + "f".repeat(64)), null, null, null))
        val risky = approve.prepare(node).explanation
        assertTrue(risky.risky)
        assertEquals("approve $bob to spend ALL your KRWT (token at $token)", risky.en)
        assertContains(risky.warningsKo.first(), "위험")
        assertEquals(null, approve.signed())

        // Too much: the contract's own error, decoded, before signing.
        val tooMuch = evm.sendFlow(SendIntent(me, token, "0", erc20TransferData(bob, "2000000"), null, null, null))
        val e = assertFailsWith<JigapException.Refused> { tooMuch.prepare(node) }
        assertContains(e.message!!, "ERC20InsufficientBalance(")
    }

    @Test fun giveATicketWithSafeTransferFrom() {
        val (evm, me) = funded()
        val (_, deployed) = evm.sent(SendIntent(me, null, "0", bytecode("TestTicket"), null, null, null))
        val ticket = assertNotNull(deployed.contractAddress)
        evm.sent(SendIntent(me, ticket, "0", abiEncodeCall("mint(address,uint256)", "[\"$me\", \"1042\"]"), null, null, null))
        evm.setKnownTokens(listOf(evmTokenInfo(node, ticket, TokenStandard.ERC721)))
        val (proposal, receipt) = evm.sent(SendIntent(me, ticket, "0", erc721SafeTransferData(me, bob, "1042"), null, null, null))
        assertEquals("give ticket #1042 of contract $ticket to $bob (from $me)", proposal.explanation.en)
        val event = receipt.logs.mapNotNull { evmDecodeTokenEvent(it) }.single { it.event == "Transfer" }
        assertEquals(listOf(TokenStandard.ERC721, "1042", bob), listOf(event.standard, event.value, event.to))
        val owner = evmCall(node, ticket, abiEncodeCall("ownerOf(uint256)", "[\"1042\"]"))
        assertEquals("[\"$bob\"]", abiDecode(listOf("address"), owner))
    }

    @Test fun twoInFlightThenASpeedUp() {
        val (manual, manualUrl) = startAnvil("--no-mining")
        try {
            val on = HttpTransport(manualUrl)
            val (evm, me) = funded(on)
            fun send(flow: SendFlow): SignedTransaction { flow.prepare(on); return flow.send(on) }
            val a = send(evm.sendFlow(SendIntent(me, bob, "1", "0x", null, null, null)))
            val b = send(evm.sendFlow(SendIntent(me, bob, "2", "0x", null, null, null)))
            assertEquals(listOf(0uL, 1uL), listOf(a.tx.nonce, b.tx.nonce))
            assertEquals(2, evm.pending().size)
            val fast = send(evm.speedUpFlow(a.hash))
            assertEquals(0uL, fast.tx.nonce)
            assertTrue(fast.tx.maxPriorityFeePerGas!!.toBigInteger() > a.tx.maxPriorityFeePerGas!!.toBigInteger())
            on.call("""{"jsonrpc":"2.0","id":1,"method":"evm_mine","params":[]}""")
            assertTrue(assertNotNull(evm.waitForReceipt(on, fast.hash, 20u, 5_000u)).status)
            assertTrue(assertNotNull(evm.waitForReceipt(on, b.hash, 20u, 5_000u)).status)
            assertEquals(null, evm.waitForReceipt(on, a.hash, 20u, 0u), "replaced: never mined")
            assertTrue(evm.pending().isEmpty())
        } finally {
            stop(manual)
        }
    }

    @Test fun anotherChainIsRefusedBeforeSigning() {
        val wallet = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val me = wallet.account(0u).address
        val mainnet = EvmWallet(wallet, 1u)
        val flow = mainnet.sendFlow(SendIntent(me, bob, "1", "0x", null, null, null))
        val e = assertFailsWith<JigapException.InvalidInput> { flow.prepare(node) }
        assertContains(e.message!!, "chain 31337")
        assertEquals(null, flow.proposal())
        assertFailsWith<JigapException.InvalidInput> { EvmWallet(wallet, 0u) }
    }

    @Test fun anUnreachableNodeIsANetworkError() {
        val (evm, me) = funded()
        val flow = evm.sendFlow(SendIntent(me, bob, "1", "0x", null, null, null))
        assertFailsWith<JigapException.Network> { flow.prepare(HttpTransport("http://127.0.0.1:1")) }
        assertFalse(evm.pending().isNotEmpty())
    }
}
