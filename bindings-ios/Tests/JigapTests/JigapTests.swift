// XCTest tests mirroring the Kotlin ones (bindings-android/…/JigapTest.kt). They run on a Mac
// with `swift test` after ./build-xcframework.sh; the Linux CI only syntax-checks this file.
import CryptoKit
import Foundation
import XCTest
@testable import Jigap

let MAIL = #"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#
let MAIL_DIGEST = "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"

/// Weak KDF so the tests run fast: never in a real app.
let FAST = kdfFastInsecure()
let FAST_CREATE = CreateOptions(words: 12, language: "ko", passphrase: nil, kdf: FAST)

/// A store kept by Swift in one file, rewritten atomically per batch.
final class FileStore: Store, @unchecked Sendable {
    private let url: URL
    private var map: [Data: Data] = [:]
    private let lock = NSLock()

    init(url: URL) throws {
        self.url = url
        if let data = try? Data(contentsOf: url),
           let rows = try JSONSerialization.jsonObject(with: data) as? [[String]] {
            for row in rows { map[Data(base64Encoded: row[0])!] = Data(base64Encoded: row[1])! }
        }
    }

    func get(key: Data) throws -> Data? {
        lock.lock(); defer { lock.unlock() }
        return map[key]
    }

    func scan(prefix: Data) throws -> [StoreEntry] {
        lock.lock(); defer { lock.unlock() }
        return map.filter { $0.key.starts(with: prefix) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            .map { StoreEntry(key: $0.key, value: $0.value) }
    }

    func write(batch: [StoreOp]) throws {
        lock.lock(); defer { lock.unlock() }
        var next = map
        for op in batch {
            if let v = op.value { next[op.key] = v } else { next.removeValue(forKey: op.key) }
        }
        let rows = next.map { [$0.key.base64EncodedString(), $0.value.base64EncodedString()] }
        try JSONSerialization.data(withJSONObject: rows).write(to: url, options: .atomic)
        map = next
    }
}

/// A key protector on CryptoKit, as an app would use a Secure Enclave-backed key.
final class CryptoKitProtector: KeyProtector, @unchecked Sendable {
    let key: SymmetricKey
    init(key: SymmetricKey = SymmetricKey(size: .bits256)) { self.key = key }
    func id() -> String { "cryptokit-aes-gcm:test" }
    func wrap(data: Data) throws -> Data { try AES.GCM.seal(data, using: key).combined! }
    func unwrap(data: Data) throws -> Data { try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key) }
}

final class JigapTests: XCTestCase {
    func tempDir() -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    func testCreateAndReopenWithWrongPin() throws {
        let db = tempDir().appendingPathComponent("wallet.db").path
        var address = ""
        var phrase = ""
        do {
            let w = try Wallet.create(store: try JigapStore.sqlite(path: db), pin: "123456", options: FAST_CREATE)
            address = try w.account(index: 0).address
            phrase = try w.exportMnemonic(pin: "123456")
        }
        XCTAssertEqual(phrase.split(separator: " ").count, 12)
        XCTAssertEqual(try validateMnemonic(mnemonic: phrase).language, "ko")
        let w = try Wallet.open(store: try JigapStore.sqlite(path: db), kdf: FAST)
        XCTAssertThrowsError(try w.unlock(pin: "000000")) { e in
            guard case JigapError.WrongPin(let message) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(message, "wrong PIN: 9 attempts left")
        }
        XCTAssertEqual(try w.attemptsLeft(), 9)
        XCTAssertThrowsError(try w.account(index: 0)) { e in
            guard case JigapError.Locked = e else { return XCTFail("\(e)") }
        }
        try w.unlock(pin: "123456")
        XCTAssertEqual(try w.account(index: 0).address, address)
        XCTAssertTrue(try w.identity(index: 0).did.hasPrefix("did:key:zQ3s"))
        try w.changePin(oldPin: "123456", newPin: "654321")
        w.lock()
        XCTAssertThrowsError(try w.unlock(pin: "123456"))
        try w.unlock(pin: "654321")
        // Backups are protected by a code shown once (never by the PIN alone).
        let made = try w.backup(pin: "654321", passphrase: nil)
        let code = try XCTUnwrap(made.code)
        XCTAssertEqual(code.count, 39)
        XCTAssertEqual(try inspectBackup(backup: made.bytes).protection, .code)
        XCTAssertThrowsError(try Wallet.restoreBackup(store: JigapStore.memory(), backup: made.bytes, secret: "654321", pin: "654321", kdf: FAST))
        XCTAssertEqual(try Wallet.restoreBackup(store: JigapStore.memory(), backup: made.bytes, secret: code, pin: "222222", kdf: FAST).account(index: 0).address, address)
        XCTAssertThrowsError(try w.backup(pin: "654321", passphrase: "password1"))
        var backup = made.bytes
        XCTAssertEqual(try Wallet.restore(store: JigapStore.memory(), pin: "111111", mnemonic: phrase, kdf: FAST).account(index: 0).address, address)
        backup[backup.count / 2] ^= 1
        XCTAssertThrowsError(try Wallet.restoreBackup(store: JigapStore.memory(), backup: backup, secret: code, pin: "654321", kdf: FAST)) { e in
            guard case JigapError.Authentication = e else { return XCTFail("\(e)") }
        }
    }

    func testSignTypedDataAndRecover() throws {
        let w = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        let me = try w.account(index: 0).address
        let s = try w.signTypedData(address: me, typedDataJson: MAIL)
        XCTAssertEqual(s.digest, MAIL_DIGEST)
        XCTAssertEqual(try typedDataDigest(typedDataJson: MAIL), MAIL_DIGEST)
        XCTAssertEqual(try recoverTypedDataSigner(typedDataJson: MAIL, signature: s.signature), me)
        let msg = "안녕하세요".data(using: .utf8)!
        XCTAssertEqual(try recoverMessageSigner(message: msg, signature: try w.signMessage(address: me, message: msg)), me)
        XCTAssertThrowsError(try w.signMessage(address: "0x0000000000000000000000000000000000000001", message: Data([1]))) { e in
            guard case JigapError.UnknownAccount = e else { return XCTFail("\(e)") }
        }
    }

    func testTheLibrarySaysWhichPartsItCarries() throws {
        // The default build carries tickets and credentials; the eight extra wordlists only with
        // `all-languages`.
        XCTAssertTrue(Set(jigapFeatures()).isSuperset(of: ["tickets", "credentials"]))
        XCTAssertThrowsError(try validateMnemonic(mnemonic: String(repeating: "abandon ", count: 11) + "about", language: "ja")) { e in
            guard case JigapError.InvalidInput(let message) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(!jigapFeatures().contains("all-languages"), message.contains("not built into this package"))
        }
    }

    func testKeystoreRoundTrip() throws {
        let w = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        let me = try w.account(index: 0).address
        let json = try w.exportKeystore(address: me, password: "correct horse", kdf: "pbkdf2")
        XCTAssertEqual(try keystoreAddress(keystoreJson: json, password: "correct horse"), me)
        XCTAssertThrowsError(try keystoreAddress(keystoreJson: json, password: "wrong"))
        let other = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        XCTAssertEqual(try other.importKeystore(keystoreJson: json, password: "correct horse").address, me)
        XCTAssertTrue(try other.accounts().contains { $0.address == me && $0.path == nil })
    }

    func testSwiftStorePersistsBetweenWalletInstances() throws {
        let dir = tempDir()
        try JigapStore.custom(store: FileStore(url: dir.appendingPathComponent("conformance.json"))).checkConformance()
        // The same cases one by one, as an app's own test suite would list them.
        let cases = storeConformanceCases()
        XCTAssertGreaterThanOrEqual(cases.count, 9)
        for name in cases {
            try JigapStore.custom(store: FileStore(url: dir.appendingPathComponent("\(name).json"))).checkConformanceCase(name: name)
        }
        XCTAssertThrowsError(try JigapStore.memory().checkConformanceCase(name: "no such case")) { e in
            guard case JigapError.InvalidInput = e else { return XCTFail("\(e)") }
        }
        let file = dir.appendingPathComponent("wallet.json")
        let address = try Wallet.create(store: JigapStore.custom(store: FileStore(url: file)), pin: "123456", options: FAST_CREATE).addAccount().address
        let w = try Wallet.open(store: JigapStore.custom(store: FileStore(url: file)), kdf: FAST)
        try w.unlock(pin: "123456")
        XCTAssertEqual(try w.accounts()[1].address, address)
    }

    func testErrorsThrownBySwiftStoreBecomeStorageErrors() throws {
        final class Broken: Store, @unchecked Sendable {
            func get(key: Data) throws -> Data? { nil }
            func scan(prefix: Data) throws -> [StoreEntry] { [] }
            func write(batch: [StoreOp]) throws { throw ForeignError.Failed(reason: "disk full") }
        }
        XCTAssertThrowsError(try Wallet.create(store: JigapStore.custom(store: Broken()), pin: "123456", options: FAST_CREATE)) { e in
            guard case JigapError.Storage(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("disk full"))
        }
    }

    func testSwiftKeyProtector() throws {
        let key = SymmetricKey(size: .bits256)
        let store = JigapStore.memory()
        let address = try Wallet.create(store: store, pin: "123456", options: FAST_CREATE, protector: CryptoKitProtector(key: key)).account(index: 0).address
        XCTAssertThrowsError(try Wallet.open(store: store, kdf: FAST)) { e in
            guard case JigapError.Protector = e else { return XCTFail("\(e)") }
        }
        let w = try Wallet.open(store: store, kdf: FAST, protector: CryptoKitProtector(key: key))
        try w.unlock(pin: "123456")
        XCTAssertEqual(try w.account(index: 0).address, address)
    }

    func testCallsFromSeveralThreads() throws {
        let w = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        let accounts = try (0..<4).map { _ in try w.addAccount().address }
        let ok = NSLock()
        var good = 0
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            let a = accounts[i % accounts.count]
            let msg = "message \(i)".data(using: .utf8)!
            if let sig = try? w.signMessage(address: a, message: msg), (try? recoverMessageSigner(message: msg, signature: sig)) == a {
                ok.lock(); good += 1; ok.unlock()
            }
        }
        XCTAssertEqual(good, 200)
    }

    func testValidationMessagesNameTheProblem() {
        XCTAssertThrowsError(try validateMnemonic(mnemonic: "가격 가격 가격 가격 appl 가격 가격 가격 가격 가격 가격 가능", language: "ko")) { e in
            guard case JigapError.InvalidInput(let message) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(message, "word 5 is not in the Korean wordlist; check its spelling")
        }
    }
}
