// Voucher flows, mirroring VoucherTest.kt: import, quote, pay, settle, reject, refund, history.
import Foundation
import XCTest
@testable import Jigap

final class VoucherTests: XCTestCase {
    let now = UInt64(Date().timeIntervalSince1970)

    struct Setup {
        let citizen: Wallet
        let me: String
        let city: VoucherIssuer
        let bank: VoucherIssuer
        let vouchers: Vouchers
        let grocery: MerchantDesk
        let cafe: MerchantDesk
        let shops: Wallet

        init() throws {
            citizen = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
            me = try citizen.account(index: 0).address
            let issuers = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
            let cityAddress = try issuers.account(index: 0).address
            let bankAddress = try issuers.addAccount().address
            city = try VoucherIssuer(wallet: issuers, issuer: cityAddress)
            bank = try VoucherIssuer(wallet: issuers, issuer: bankAddress)
            vouchers = try Vouchers(wallet: citizen)
            try vouchers.setTrustedIssuers(issuers: [
                TrustedIssuer(address: cityAddress, name: "Seoul welfare", currency: "KRW", holdingCap: 500_000, offlineAllowance: 200_000),
                TrustedIssuer(address: bankAddress, name: "Bank of Korea", currency: "KRW"),
            ])
            shops = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
            grocery = try MerchantDesk(wallet: shops, merchant: try shops.account(index: 0).address, name: "행복마트", category: 5411, region: "KR-11", trustedIssuers: [cityAddress, bankAddress])
            cafe = try MerchantDesk(wallet: shops, merchant: try shops.addAccount().address, name: "Café Bom", category: 5814, region: "KR-11", trustedIssuers: [cityAddress, bankAddress])
        }
    }

    func welfare(_ s: Setup, _ amount: UInt64, days: UInt64) throws -> String {
        try s.city.grant(spec: GrantSpec(holder: s.me, amount: amount, currency: "KRW", validFrom: now - 60, validUntil: now + days * 86_400, categories: [5411], regions: ["KR-11"]))
    }

    func cbdc(_ s: Setup, _ amount: UInt64, days: UInt64) throws -> String {
        try s.bank.grant(spec: GrantSpec(holder: s.me, amount: amount, currency: "KRW", validFrom: now - 60, validUntil: now + days * 86_400))
    }

    func testImportQuotePaySettleRefundHistory() throws {
        let s = try Setup()
        let welfareId = try s.vouchers.importGrant(grant: try welfare(s, 30_000, days: 30)).id
        let cbdcId = try s.vouchers.importGrant(grant: try cbdc(s, 20_000, days: 365)).id
        XCTAssertEqual(try s.vouchers.balances().first?.spendable, 50_000)
        let request = try s.grocery.createRequest(amount: 45_000, currency: "KRW", ttlSecs: 120)
        let quote = try s.vouchers.quote(request: request.qr)
        XCTAssertTrue(quote.payable)
        XCTAssertEqual(quote.allocations, [VoucherAllocation(voucherId: welfareId, amount: 30_000), VoucherAllocation(voucherId: cbdcId, amount: 15_000)])
        let payment = try s.vouchers.pay(request: request.qr)
        XCTAssertEqual(try recoverTypedDataSigner(typedDataJson: payment.typedDataJson, signature: payment.signature), s.me)
        XCTAssertTrue(try s.vouchers.pay(request: request.qr).repeated)
        XCTAssertEqual(try s.grocery.accept(request: request.qr, payment: payment.qr).total, 45_000)
        XCTAssertThrowsError(try s.grocery.accept(request: request.qr, payment: payment.qr)) { e in
            guard case JigapError.Refused = e else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(try s.vouchers.applySettlement(settlement: try s.city.settle(payment: payment.qr)), .settled)
        let bankSettlement = try s.bank.settle(payment: payment.qr)
        XCTAssertEqual(try s.vouchers.applySettlement(settlement: bankSettlement), .settled)
        XCTAssertEqual(try s.vouchers.applySettlement(settlement: bankSettlement), .alreadyApplied)
        let refund = try s.bank.refund(voucherId: cbdcId, amount: 4_000)
        XCTAssertTrue(try s.vouchers.applyRefund(refund: refund))
        XCTAssertFalse(try s.vouchers.applyRefund(refund: refund))
        XCTAssertEqual(try s.vouchers.voucher(id: cbdcId).remaining, 9_000)
        XCTAssertEqual(try s.vouchers.history(voucherId: cbdcId).map { $0.kind }, [.imported, .reserved, .settled, .refunded])
        XCTAssertEqual(try s.vouchers.history(voucherId: cbdcId)[1].counterpartyName, "행복마트")
    }

    func testRejectedSettlementReleasesTheReservation() throws {
        let s = try Setup()
        _ = try s.vouchers.importGrant(grant: try cbdc(s, 10_000, days: 30))
        let payment = try s.vouchers.pay(request: try s.cafe.createRequest(amount: 4_000, currency: "KRW", ttlSecs: 60).qr)
        XCTAssertEqual(try s.vouchers.applySettlement(settlement: try s.bank.settle(payment: payment.qr, rejectReason: "merchant not registered")), .rejected)
        XCTAssertEqual(try s.vouchers.history().last?.note, "merchant not registered")
        XCTAssertEqual(try s.vouchers.balances().first?.spendable, 10_000)
    }

    func testRefusalsSayWhy() throws {
        let s = try Setup()
        _ = try s.vouchers.importGrant(grant: try welfare(s, 30_000, days: 30))
        let cafe = try s.cafe.createRequest(amount: 3_000, currency: "KRW", ttlSecs: 60)
        XCTAssertEqual(try s.vouchers.quote(request: cafe.qr).unusable.first?.reason, .category)
        XCTAssertThrowsError(try s.vouchers.pay(request: cafe.qr)) { e in
            guard case JigapError.CannotPay(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("cannot be used at this kind of shop"))
        }
    }

    func testIssuerFindsADoubleSpendFromAClonedWallet() throws {
        let s = try Setup()
        let id = try s.vouchers.importGrant(grant: try cbdc(s, 10_000, days: 30)).id
        let backup = try s.citizen.backup(pin: "123456", passphrase: nil)
        let clone = try Wallet.restoreBackup(store: JigapStore.memory(), backup: backup.bytes, secret: try XCTUnwrap(backup.code), pin: "123456", kdf: FAST)
        let p1 = try s.vouchers.pay(request: try s.grocery.createRequest(amount: 8_000, currency: "KRW", ttlSecs: 60).qr)
        let p2 = try Vouchers(wallet: clone).pay(request: try s.cafe.createRequest(amount: 7_000, currency: "KRW", ttlSecs: 60).qr)
        let found = try s.bank.detectDoubleSpends(payments: [p1.qr, p2.qr])
        XCTAssertEqual(found.count, 2)
        XCTAssertTrue(found.contains { if case .overAllocated(let voucher, _, _) = $0 { return voucher == id } else { return false } }, "\(found)")
        XCTAssertTrue(found.contains { if case .sequenceReused = $0 { return true } else { return false } }, "\(found)")
    }
}
