package org.jigap

import org.jigap.core.*
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertTrue
import org.junit.Test

/** A clock the test moves (the gate's). */
class TestClock(@Volatile var ms: ULong) : Clock {
    override fun nowMs(): ULong = ms
}

/** The ticket flows a phone app runs: holder, gate and a test issuer. */
class TicketTest {
    private val now = System.currentTimeMillis() / 1000
    private val contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    private val event = TicketEvent(
        id = "MAHLER2", name = "Mahler Symphony No. 2", venue = "Lotte Concert Hall, Seoul",
        doorsOpen = (now - 3_600).toULong(), start = (now + 1_800).toULong(), end = (now + 4 * 3_600).toULong(),
    )

    private inner class Setup {
        val issuerWallet = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val issuer = TicketIssuer(issuerWallet, issuerWallet.account(0u).address)
        val issuerId = issuer.identity()
        val holderWallet = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val me = holderWallet.account(0u).address
        val tickets = Tickets(holderWallet).also { it.trustIssuer(issuerId) }
        val myId = tickets.holderId(me)

        fun grant(token: Int, policy: TicketTransferPolicy? = null, ev: TicketEvent = event, to: String = myId) =
            issuer.grant(to, TicketTerms(
                chainId = 1uL, contract = contract, tokenId = token.toString(), event = ev,
                seat = TicketSeat(section = "B", row = "12", number = "7"), tier = "R", policy = policy ?: TicketTransferPolicy(),
            ))

        fun ticket(token: Int, policy: TicketTransferPolicy? = null) = tickets.importGrant(grant(token, policy)).ticket

        /** A gate authorised by the issuer for `event`, on a clock the test controls. */
        fun gate(name: String, clock: Clock, key: GateKey = GateKey.generate()) =
            Gate(key, listOf(issuerId), listOf(issuer.authorizeGate(1uL, contract, event, key.publicKey(), name)), clock)
    }

    /** A clock inside the pass's window, `offset` windows away. */
    private fun clockAt(pass: TicketPass, offset: Long) = TestClock(((pass.window.toLong() + offset) * 15_000 + 5_000).toULong())

    @Test fun grantImportShowAdmitReceipt() {
        val s = Setup()
        val grant = s.grant(42)
        val imported = s.tickets.importGrant(grant)
        assertEquals(TicketImportOutcome.ADDED, imported.outcome)
        assertEquals(TicketImportOutcome.UNCHANGED, s.tickets.importGrant(grant).outcome)
        val t = s.tickets.list().single()
        assertEquals("1:$contract:42", t.id)
        assertEquals(TicketStatus.SOLD, t.status)
        assertTrue(t.locked, "non-transferable is ERC-5192 locked")
        assertEquals(TicketState.Usable, t.state)
        assertEquals("section B, row 12, seat 7", t.seatLabel)
        assertEquals(s.issuer.address(), t.issuer)
        assertEquals(s.issuerId, s.tickets.trustedIssuers().single())

        val pass = s.tickets.show(t.id)
        assertTrue(pass.text.startsWith("JGTP:"))
        assertTrue(pass.size <= 69u, "fits QR version 13: ${pass.size} modules")
        assertTrue(pass.version <= 13u)
        assertEquals((pass.size * pass.size).toInt(), pass.modules.size)
        assertContains(pass.svg, "<svg")
        assertEquals((pass.window + 1u) * 15_000u, pass.nextRotationMs)

        val gate = s.gate("North 3", clockAt(pass, 0))
        assertEquals("North 3", gate.name())
        val admit = gate.verify(pass.text)
        assertEquals(t.id, admit.ticketId)
        assertEquals("7", admit.seat.number)
        assertEquals("R", admit.tier)
        assertEquals(s.me, admit.holder)
        assertEquals("Mahler Symphony No. 2", admit.eventName)
        val replay = assertFailsWith<JigapException.Refused> { gate.verify(pass.text) }
        assertContains(replay.message!!, "already entered through gate 'North 3'")
        assertEquals(t.id, gate.entries().single().ticketId)

        val used = s.tickets.applyReceipt(gate.receipt(admit))
        assertEquals(TicketStatus.REDEEMED, used.status)
        assertEquals("North 3", assertIs<TicketState.Used>(used.state).gate)
        val refused = assertFailsWith<JigapException.Refused> { s.tickets.show(t.id) }
        assertContains(refused.message!!, "already used")
    }

    @Test fun oneWindowEitherSideIsAcceptedTwoAreStale() {
        val s = Setup()
        val pass = s.tickets.show(s.ticket(1).id)
        for (offset in listOf(-2L, 2L, 3L)) {
            val e = assertFailsWith<JigapException.Expired> { s.gate("Stale $offset", clockAt(pass, offset)).verify(pass.text) }
            assertContains(e.message!!, "time window ${pass.window}")
        }
        for (offset in listOf(-1L, 0L, 1L)) {
            assertEquals(pass.window, s.gate("Ok $offset", clockAt(pass, offset)).verify(pass.text).window)
        }
    }

    @Test fun untrustedIssuersAndForgedPassesAreRefused() {
        val s = Setup()
        val strangerWallet = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val stranger = TicketIssuer(strangerWallet, strangerWallet.account(0u).address)
        val forged = stranger.grant(s.myId, TicketTerms(1uL, contract, "7", event, TicketSeat(section = "A", number = "1")))
        val e = assertFailsWith<JigapException.Untrusted> { s.tickets.importGrant(forged) }
        assertContains(e.message!!, "not a trusted ticket issuer")

        // Trusted by a careless wallet, the stranger's ticket still fails at the gate.
        s.tickets.trustIssuer(stranger.identity())
        val pass = s.tickets.show(s.tickets.importGrant(forged).ticket.id)
        val gate = s.gate("North 3", clockAt(pass, 0))
        assertFailsWith<JigapException.BadSignature> { gate.verify(pass.text) }
        assertFailsWith<JigapException.InvalidInput> { gate.verify("JGTP:NOT A PASS") }
        assertTrue(s.tickets.distrustIssuer(stranger.address()))
        assertEquals(listOf(s.issuerId), s.tickets.trustedIssuers())
        // A gate will not take an authorization from an issuer it does not trust.
        val key = GateKey.generate()
        assertFailsWith<JigapException.InvalidInput> {
            Gate(key, listOf(s.issuerId), listOf(stranger.authorizeGate(1uL, contract, event, key.publicKey(), "X")), TestClock(0u))
        }
    }

    @Test fun wrongEventAndTooEarlyAreRefused() {
        val s = Setup()
        val other = event.copy(id = "BRAHMS4", name = "Brahms 4")
        val pass = s.tickets.show(s.tickets.importGrant(s.grant(2, ev = other)).ticket.id)
        val e = assertFailsWith<JigapException.Refused> { s.gate("North 3", clockAt(pass, 0)).verify(pass.text) }
        assertContains(e.message!!, "event 'BRAHMS4', which this gate does not admit")

        val later = event.copy(id = "LATER", doorsOpen = (now + 7_200).toULong(), start = (now + 9_000).toULong())
        val early = s.tickets.show(s.tickets.importGrant(s.grant(3, ev = later)).ticket.id)
        val key = GateKey.generate()
        val gate = Gate(key, listOf(s.issuerId), listOf(s.issuer.authorizeGate(1uL, contract, later, key.publicKey(), "East")), clockAt(early, 0))
        assertContains(assertFailsWith<JigapException.Refused> { gate.verify(early.text) }.message!!, "too early")
    }

    @Test fun transfersFollowThePolicy() {
        val s = Setup()
        val buyerWallet = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val buyer = Tickets(buyerWallet).also { it.trustIssuer(s.issuerId) }
        val buyerAddress = buyerWallet.account(0u).address
        val buyerId = buyer.holderId(buyerAddress)

        val locked = s.ticket(1)
        val e = assertFailsWith<JigapException.LimitExceeded> { s.tickets.requestTransfer(locked.id, buyerId, 0u, "KRW") }
        assertContains(e.message!!, "not transferable")

        val t = s.ticket(2, TicketTransferPolicy(transferable = true, currency = "KRW", priceCap = 100_000u, maxTransfers = 1u))
        assertEquals(false, t.locked)
        val cap = assertFailsWith<JigapException.LimitExceeded> { s.tickets.requestTransfer(t.id, buyerId, 100_001u, "KRW") }
        assertContains(cap.message!!, "resale cap of 100000 KRW")

        val request = s.tickets.requestTransfer(t.id, buyerId, 90_000u, "KRW")
        assertEquals(s.me, recoverTypedDataSigner(request.typedDataJson, request.signature))
        assertEquals(TicketStatus.RESELL, s.tickets.get(t.id).status)
        assertContains(assertFailsWith<JigapException.Refused> { s.tickets.show(t.id) }.message!!, "waiting for the issuer")
        assertEquals(TicketState.Usable, s.tickets.cancelTransfer(t.id).state)
        val again = s.tickets.requestTransfer(t.id, buyerId, 90_000u, "KRW")

        val newGrant = s.issuer.reissue(again.text)
        val bought = buyer.importGrant(newGrant).ticket
        assertEquals(buyerAddress, bought.holder)
        assertEquals(1.toUByte(), bought.transfers)
        assertEquals(TicketImportOutcome.TRANSFER_CONFIRMED, s.tickets.importGrant(newGrant).outcome)
        val old = s.tickets.get(t.id)
        assertEquals(TicketStatus.VOID, old.status)
        assertEquals(buyerAddress, assertIs<TicketState.Transferred>(old.state).to)
        assertContains(assertFailsWith<JigapException.Refused> { s.tickets.show(t.id) }.message!!, "transferred")
        val tooMany = assertFailsWith<JigapException.LimitExceeded> { buyer.requestTransfer(bought.id, s.myId, 1u, "KRW") }
        assertContains(tooMany.message!!, "at most 1 times")

        val pass = buyer.show(bought.id)
        assertEquals(1.toUByte(), s.gate("North 3", clockAt(pass, 0)).verify(pass.text).transfers)
    }

    @Test fun twoGatesMergeTheirEnteredSets() {
        val s = Setup()
        val first = s.tickets.show(s.ticket(1).id)
        val second = s.tickets.show(s.ticket(2).id)
        val clock = clockAt(first, 0)
        val operator = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val north = s.gate("North 3", clock, GateKey.fromAccount(operator, operator.account(0u).address))
        val south = s.gate("South 1", clock, GateKey.fromAccount(operator, operator.addAccount().address))
        north.verify(first.text)
        south.verify(second.text)

        val report = south.merge(north.export())
        assertEquals(GateMergeReport(added = 1u, updated = 0u, ignored = 0u, total = 2u), report)
        assertEquals(0uL, south.merge(north.export()).added)
        val e = assertFailsWith<JigapException.Refused> { south.verify(first.text) }
        assertContains(e.message!!, "already entered through gate 'North 3'")
        assertEquals(2uL, north.merge(south.export()).total)
        assertEquals(setOf("North 3", "South 1"), north.entries().map { it.gate }.toSet())
        assertFailsWith<JigapException.InvalidInput> { north.merge(byteArrayOf(1, 2, 3)) }
    }

    /** A clock that throws: the gate reads the system clock instead and keeps its entered set. */
    private class BrokenClock : Clock {
        override fun nowMs(): ULong = throw IllegalStateException("network time unavailable")
    }

    @Test fun aThrowingClockDoesNotBreakTheGate() {
        val s = Setup()
        val pass = s.tickets.show(s.ticket(5).id)
        val gate = s.gate("East 2", BrokenClock())
        assertEquals("7", gate.verify(pass.text).seat.number)
        assertFailsWith<JigapException.Refused> { gate.verify(pass.text) }
        assertEquals(1, gate.entries().size)
    }

    @Test fun listShowsUpcomingEventsFirst() {
        val s = Setup()
        val soon = event.copy(id = "SOON", start = (now + 600).toULong())
        s.tickets.importGrant(s.grant(1))
        s.tickets.importGrant(s.grant(2, ev = soon))
        assertEquals(listOf("SOON", "MAHLER2"), s.tickets.list().map { it.event.id })
        assertFailsWith<JigapException.NotFound> { s.tickets.get("1:$contract:999") }
        assertFailsWith<JigapException.InvalidInput> { s.tickets.get("not a ticket") }
    }
}
