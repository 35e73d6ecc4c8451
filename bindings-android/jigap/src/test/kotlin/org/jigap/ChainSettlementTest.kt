package org.jigap

import java.io.File
import org.jigap.core.*
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import org.junit.AfterClass
import org.junit.BeforeClass
import org.junit.Test

/** Vouchers and tickets settled on chain, as the city's, the shop's and the citizen's apps do it (anvil on loopback). */
class ChainSettlementTest {
    companion object {
        private lateinit var anvil: Process
        lateinit var url: String

        @BeforeClass @JvmStatic fun startNode() {
            val (p, u) = EvmTest.startAnvil()
            anvil = p
            url = u
        }

        @AfterClass @JvmStatic fun stopNode() = EvmTest.stop(anvil)
    }

    private val node = HttpTransport(url)
    private val now = System.currentTimeMillis() / 1000

    private class Party(node: HttpTransport) {
        val wallet = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val address = wallet.account(0u).address
        val evm = EvmWallet(wallet, 31337u)

        init {
            node.call("""{"jsonrpc":"2.0","id":1,"method":"anvil_setBalance","params":["$address","0x56bc75e2d63100000"]}""")
        }
    }

    private fun Party.send(to: String?, data: String): Receipt {
        val flow = evm.sendFlow(SendIntent(address, to, "0", data, null, null, null))
        flow.prepare(node)
        val receipt = assertNotNull(evm.waitForReceipt(node, flow.send(node).hash, 50u, 20_000u))
        assertTrue(receipt.status)
        return receipt
    }

    private fun Party.send(intent: SendIntent): Receipt {
        val flow = evm.sendFlow(intent)
        flow.prepare(node)
        return assertNotNull(evm.waitForReceipt(node, flow.send(node).hash, 50u, 20_000u))
    }

    private fun bytecode(name: String): String =
        Regex("\"bytecode\":\\s*\"(0x[0-9a-f]+)\"").find(File("target/contracts/$name.json").readText())!!.groupValues[1]

    private fun Party.deployToken(): String {
        val code = bytecode("TestToken") + abiEncode(listOf("uint256"), "[\"1000000000\"]").removePrefix("0x")
        return assertNotNull(send(null, code).contractAddress)
    }

    @Test fun payOfflineSettleOnChainAndSync() {
        val city = Party(node)
        val shop = Party(node)
        val citizen = Party(node)
        val token = city.deployToken()
        val pool = assertNotNull(city.send(null, voucherPoolDeployData(bytecode("VoucherPool"), token, "KRW", "1")).contractAddress)
        city.send(token, erc20ApproveData(pool, "100000"))
        city.send(pool, voucherPoolFundCall(100_000u))
        city.send(pool, voucherPoolSetMerchantsCall(listOf(PoolMerchant(shop.address, 5411u, "KR-11", true))))
        val domain = VoucherDomain(31337u, pool)
        assertEquals(PoolSolvency(0u, 100_000u, 100_000u), voucherPoolSolvency(node, pool))

        val grant = VoucherIssuer(city.wallet, city.address, domain).grant(GrantSpec(
            holder = citizen.address, amount = 50_000u, currency = "KRW", validFrom = (now - 60).toULong(),
            validUntil = (now + 30 * 86_400L).toULong(), categories = listOf(5411u.toUShort()),
        ))
        city.send(pool, voucherPoolRegisterCall(listOf(grant)))
        val vouchers = Vouchers(citizen.wallet, domain)
        vouchers.setTrustedIssuers(listOf(TrustedIssuer(city.address, "Seoul", "KRW")))
        val id = vouchers.importGrant(grant).id
        assertTrue(vouchers.chainState(node).single().inStep)

        // At the counter, offline; then the shop settles on chain from its app.
        val desk = MerchantDesk(shop.wallet, shop.address, "Mangwon Market", 5411u, "KR-11", listOf(city.address), domain)
        val request = desk.createRequest(30_000u, "KRW", 600u)
        val payment = vouchers.pay(request.qr)
        desk.accept(request.qr, payment.qr)
        val receipt = shop.send(desk.redeemOnchain(request.qr, payment.qr))
        assertTrue(receipt.gasUsed < 150_000uL, "one-voucher redemption: ${receipt.gasUsed} gas")
        val settlement = desk.settlement(receipt)
        val redeemed = settlement.settled.single() as PoolEvent.Redeemed
        assertEquals(30_000uL, redeemed.total)
        assertEquals(payment.redemptionHash, redeemed.redemptionHash)
        assertEquals("30000", evmBalance(node, shop.address, token))

        // The citizen's app syncs: settled by the chain, no issuer signature.
        assertEquals(1u, vouchers.syncChain(node).settled)
        assertEquals(20_000uL, vouchers.balances().single().spendable)
        assertEquals(20_000uL, voucherPoolVoucher(node, pool, id).remaining)

        // A replayed payment is refused by the contract, with its reason.
        val e = assertFailsWith<JigapException.Refused> { shop.send(desk.redeemOnchain(request.qr, payment.qr)) }
        assertTrue(e.message!!.contains("AlreadyRedeemed("), e.message)
    }

    @Test fun ticketResaleWithinTheCapThenCheckIn() {
        val issuer = Party(node)
        val seller = Party(node)
        val buyer = Party(node)
        val gateAccount = Party(node)
        val token = issuer.deployToken()
        issuer.send(token, erc20TransferData(buyer.address, "100000"))
        val contract = assertNotNull(issuer.send(null, ticketTokenDeployData(bytecode("TicketToken"), "Winter", "WNTR", token, "KRW", "1")).contractAddress)
        val ticketIssuer = TicketIssuer(issuer.wallet, issuer.address)
        val tickets = Tickets(seller.wallet)
        tickets.trustIssuer(ticketIssuer.identity())
        val event = TicketEvent("WNTR-1", "Winter concert", "KSPO Dome", (now - 3600).toULong(), now.toULong(), (now + 7200).toULong())
        val grant = ticketIssuer.grant(tickets.holderId(seller.address), TicketTerms(
            31337u, contract, "7", event, TicketSeat(false, "A", "1", "7"), "R", TicketTransferPolicy(true, "KRW", 80_000u, 1u),
        ))
        issuer.send(contract, ticketMintCall(listOf(grant)))
        val id = tickets.importGrant(grant).ticket.id

        assertFailsWith<JigapException.LimitExceeded> { tickets.resaleListing(id, 80_001u) }
        seller.send(contract, tickets.resaleListing(id, 80_000u))
        buyer.send(token, erc20ApproveData(contract, "80000"))
        val buyerTickets = Tickets(buyer.wallet)
        buyerTickets.trustIssuer(ticketIssuer.identity())
        val bought = buyer.send(contract, buyerTickets.buyResaleCall(id, buyer.address))
        val resold = ticketChainEvents(contract, bought).filterIsInstance<TicketChainEvent.Resold>().single()
        assertEquals(80_000uL, resold.price)
        assertTrue(tickets.syncChain(node).single().changed, "the seller's app sees it sold")
        assertEquals(TicketStatus.VOID, tickets.list().single().status)
        buyerTickets.importGrant(ticketIssuer.reissueAfterResale(grant, resold))

        issuer.send(contract, ticketSetGateCall(gateAccount.address, true))
        gateAccount.send(contract, abiEncodeCall("checkIn(uint256[])", "[[\"7\"]]"))
        val chain = ticketChainState(node, listOf(id)).single()
        assertEquals(TicketStatus.REDEEMED, chain.status)
        assertTrue(chain.locked)
        buyerTickets.syncChain(node)
        assertEquals(TicketStatus.REDEEMED, buyerTickets.list().single().status)
    }
}
