package org.jigap

import org.jigap.core.*
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.junit.Test

/** The voucher flows a phone app runs: import, quote, pay, settle, reject, refund, history. */
class VoucherTest {
    private val now = System.currentTimeMillis() / 1000

    private class Setup {
        val citizen = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val me = citizen.account(0u).address
        val issuers = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val cityAddress = issuers.account(0u).address
        val bankAddress = issuers.addAccount().address
        val city = VoucherIssuer(issuers, cityAddress)
        val bank = VoucherIssuer(issuers, bankAddress)
        val vouchers = Vouchers(citizen)
        val shops = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val grocery = MerchantDesk(shops, shops.account(0u).address, "행복마트", 5411u, "KR-11", listOf(cityAddress, bankAddress))
        val cafe = MerchantDesk(shops, shops.addAccount().address, "Café Bom", 5814u, "KR-11", listOf(cityAddress, bankAddress))

        init {
            vouchers.setTrustedIssuers(listOf(
                TrustedIssuer(cityAddress, "Seoul welfare", "KRW", holdingCap = 500_000u, offlineAllowance = 200_000u),
                TrustedIssuer(bankAddress, "Bank of Korea", "KRW"),
            ))
        }
    }

    private fun Setup.welfare(amount: ULong, days: Int) = city.grant(GrantSpec(
        holder = me, amount = amount, currency = "KRW", validFrom = (now - 60).toULong(),
        validUntil = (now + days * 86_400L).toULong(), categories = listOf(5411u.toUShort()), regions = listOf("KR-11"),
    ))

    private fun Setup.cbdc(amount: ULong, days: Int) = bank.grant(GrantSpec(
        holder = me, amount = amount, currency = "KRW", validFrom = (now - 60).toULong(), validUntil = (now + days * 86_400L).toULong(),
    ))

    @Test fun importQuotePaySettleRefundHistory() {
        val s = Setup()
        val welfareId = s.vouchers.importGrant(s.welfare(30_000u, 30)).id
        val cbdcId = s.vouchers.importGrant(s.cbdc(20_000u, 365)).id
        assertEquals(50_000uL, s.vouchers.balances().single().spendable)

        val request = s.grocery.createRequest(45_000u, "KRW", 120u)
        val quote = s.vouchers.quote(request.qr)
        assertTrue(quote.payable)
        assertEquals(listOf(VoucherAllocation(welfareId, 30_000u), VoucherAllocation(cbdcId, 15_000u)), quote.allocations)
        val payment = s.vouchers.pay(request.qr)
        assertFalse(payment.repeated)
        assertEquals(s.me, recoverTypedDataSigner(payment.typedDataJson, payment.signature))
        assertEquals(payment.redemptionHash, typedDataDigest(payment.typedDataJson))
        assertTrue(s.vouchers.pay(request.qr).repeated, "paying twice returns the same payment")
        assertEquals(5_000uL, s.vouchers.balances().single().spendable)

        val accepted = s.grocery.accept(request.qr, payment.qr)
        assertEquals(45_000uL, accepted.total)
        val replay = assertFailsWith<JigapException.Refused> { s.grocery.accept(request.qr, payment.qr) }
        assertContains(replay.message!!, "already used")

        assertEquals(SettlementOutcome.Settled, s.vouchers.applySettlement(s.city.settle(payment.qr)))
        val bankSettlement = s.bank.settle(payment.qr)
        assertEquals(SettlementOutcome.Settled, s.vouchers.applySettlement(bankSettlement))
        assertEquals(SettlementOutcome.AlreadyApplied, s.vouchers.applySettlement(bankSettlement))

        val refund = s.bank.refund(cbdcId, 4_000u)
        assertTrue(s.vouchers.applyRefund(refund))
        assertFalse(s.vouchers.applyRefund(refund))
        assertEquals(9_000uL, s.vouchers.voucher(cbdcId).remaining)

        val history = s.vouchers.history(voucherId = cbdcId)
        assertEquals(listOf(EventKind.IMPORTED, EventKind.RESERVED, EventKind.SETTLED, EventKind.REFUNDED), history.map { it.kind })
        assertEquals("행복마트", history[1].counterpartyName)
    }

    @Test fun rejectedSettlementReleasesTheReservation() {
        val s = Setup()
        s.vouchers.importGrant(s.cbdc(10_000u, 30))
        val request = s.cafe.createRequest(4_000u, "KRW", 60u)
        val payment = s.vouchers.pay(request.qr)
        assertEquals(6_000uL, s.vouchers.balances().single().spendable)
        assertEquals(SettlementOutcome.Rejected, s.vouchers.applySettlement(s.bank.settle(payment.qr, rejectReason = "merchant not registered")))
        assertEquals(10_000uL, s.vouchers.balances().single().spendable)
        assertEquals("merchant not registered", s.vouchers.history().last().note)
    }

    @Test fun refusalsSayWhy() {
        val s = Setup()
        s.vouchers.importGrant(s.welfare(30_000u, 30))
        val cafe = s.cafe.createRequest(3_000u, "KRW", 60u)
        val quote = s.vouchers.quote(cafe.qr)
        assertFalse(quote.payable)
        assertEquals(Ineligible.CATEGORY, quote.unusable.single().reason)
        val e = assertFailsWith<JigapException.CannotPay> { s.vouchers.pay(cafe.qr) }
        assertContains(e.message!!, "cannot be used at this kind of shop")
        assertFailsWith<JigapException.Duplicate> { s.vouchers.importGrant(s.welfare(1u, 30).also { s.vouchers.importGrant(it) }) }
        val cap = assertFailsWith<JigapException.LimitExceeded> { s.vouchers.importGrant(s.welfare(480_000u, 30)) }
        assertContains(cap.message!!, "holding cap")
        val stranger = VoucherIssuer(s.shops, s.shops.account(0u).address)
        assertFailsWith<JigapException.Untrusted> {
            s.vouchers.importGrant(stranger.grant(GrantSpec(holder = s.me, amount = 1u, currency = "KRW", validFrom = now.toULong(), validUntil = (now + 60).toULong())))
        }
        assertFailsWith<JigapException.InvalidInput> { s.vouchers.importGrant("JGVG:NOT A GRANT") }
    }

    @Test fun issuerFindsADoubleSpendFromAClonedWallet() {
        val s = Setup()
        val id = s.vouchers.importGrant(s.cbdc(10_000u, 30)).id
        val backup = s.citizen.backup("123456")
        val clone = Wallet.restoreBackup(JigapStore.memory(), backup.bytes, backup.code!!, "123456", FAST)
        val cloned = Vouchers(clone)
        val p1 = s.vouchers.pay(s.grocery.createRequest(8_000u, "KRW", 60u).qr)
        val p2 = cloned.pay(s.cafe.createRequest(7_000u, "KRW", 60u).qr)
        val found = s.bank.detectDoubleSpends(listOf(p1.qr, p2.qr))
        assertEquals(setOf(DoubleSpend.OverAllocated::class, DoubleSpend.SequenceReused::class), found.map { it::class }.toSet())
        assertEquals(id, found.filterIsInstance<DoubleSpend.OverAllocated>().single().voucher)
    }
}
