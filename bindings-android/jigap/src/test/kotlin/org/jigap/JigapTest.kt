package org.jigap

import org.jigap.core.*
import java.io.DataInputStream
import java.io.DataOutputStream
import java.io.File
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.util.Arrays
import java.util.TreeMap
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import org.junit.Test

/** The Ether Mail example of EIP-712, with its published digest. */
const val MAIL = """{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"""
const val MAIL_DIGEST = "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"

/** Weak KDF so the tests run fast: never in a real app. */
val FAST = kdfFastInsecure()
val FAST_CREATE = CreateOptions(words = 12u, language = "ko", passphrase = null, kdf = FAST)

/** A store kept by Kotlin in one file, rewritten atomically (temp file + rename) per batch. */
class FileStore(private val file: File) : Store {
    private val map = TreeMap<ByteArray, ByteArray> { a, b -> Arrays.compareUnsigned(a, b) }

    init {
        if (file.exists()) {
            DataInputStream(file.inputStream().buffered()).use { inp ->
                repeat(inp.readInt()) {
                    val k = ByteArray(inp.readInt()).also { inp.readFully(it) }
                    val v = ByteArray(inp.readInt()).also { inp.readFully(it) }
                    map[k] = v
                }
            }
        }
    }

    @Synchronized override fun get(key: ByteArray): ByteArray? = map[key]

    @Synchronized override fun scan(prefix: ByteArray): List<StoreEntry> =
        map.tailMap(prefix, true).entries
            .takeWhile { (k, _) -> k.size >= prefix.size && Arrays.equals(k, 0, prefix.size, prefix, 0, prefix.size) }
            .map { (k, v) -> StoreEntry(k, v) }

    @Synchronized override fun write(batch: List<StoreOp>) {
        val next = TreeMap(map)
        for (op in batch) {
            val v = op.value
            if (v == null) next.remove(op.key) else next[op.key] = v
        }
        val tmp = File(file.path + ".tmp")
        DataOutputStream(tmp.outputStream().buffered()).use { out ->
            out.writeInt(next.size)
            for ((k, v) in next) {
                out.writeInt(k.size); out.write(k); out.writeInt(v.size); out.write(v)
            }
        }
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
        map.clear(); map.putAll(next)
    }
}

/** A key protector backed by a JCA AES-GCM key, as an app would use the Android Keystore. */
class JcaKeyProtector(private val key: SecretKey) : KeyProtector {
    override fun id() = "jca-aes-gcm:test"
    override fun wrap(data: ByteArray): ByteArray {
        val c = Cipher.getInstance("AES/GCM/NoPadding")
        c.init(Cipher.ENCRYPT_MODE, key)
        return c.iv + c.doFinal(data)
    }
    override fun unwrap(data: ByteArray): ByteArray {
        val c = Cipher.getInstance("AES/GCM/NoPadding")
        c.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, data, 0, 12))
        return c.doFinal(data, 12, data.size - 12)
    }
}

fun aesKey(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

class JigapTest {
    private fun tempDir(): File = Files.createTempDirectory("jigap-kt").toFile()

    @Test fun createAndReopenWithWrongPin() {
        val db = File(tempDir(), "wallet.db").path
        val (address, phrase) = JigapStore.sqlite(db).use { store ->
            Wallet.create(store, "123456", FAST_CREATE).use { w -> w.account(0u).address to w.exportMnemonic("123456") }
        }
        assertEquals(12, phrase.split(" ").size)
        assertEquals("ko", validateMnemonic(phrase).language)
        JigapStore.sqlite(db).use { store ->
            Wallet.open(store, kdf = FAST).use { w ->
                val e = assertFailsWith<JigapException.WrongPin> { w.unlock("000000") }
                assertEquals("wrong PIN: 9 attempts left", e.message)
                assertEquals(9u, w.attemptsLeft())
                assertFailsWith<JigapException.Locked> { w.account(0u) }
                w.unlock("123456")
                assertEquals(address, w.account(0u).address)
                assertEquals(10u, w.attemptsLeft())
                assertTrue(w.identity(0u).did.startsWith("did:key:zQ3s"))
                w.changePin("123456", "654321")
                w.lock()
                assertFailsWith<JigapException.WrongPin> { w.unlock("123456") }
                w.unlock("654321")
                // Back up and restore on "another phone"; and keys alone from the phrase.
                // Backups are protected by a code shown once (never by the PIN alone).
                val made = w.backup("654321")
                val code = made.code!!
                assertEquals(39, code.length)
                assertEquals(BackupProtection.CODE, inspectBackup(made.bytes).protection)
                // The PIN is not a backup code: refused before any decryption is tried.
                assertFailsWith<JigapException.InvalidInput> { Wallet.restoreBackup(JigapStore.memory(), made.bytes, "654321", "654321", FAST) }
                Wallet.restoreBackup(JigapStore.memory(), made.bytes, code, "222222", FAST).use { r ->
                    assertEquals(address, r.account(0u).address)
                    r.lock(); r.unlock("222222")
                }
                assertFailsWith<JigapException.InvalidInput> { w.backup("654321", "password1") }
                val backup = made.bytes
                Wallet.restore(JigapStore.memory(), "111111", phrase, kdf = FAST).use { r ->
                    assertEquals(address, r.account(0u).address)
                }
                backup[backup.size / 2] = (backup[backup.size / 2].toInt() xor 1).toByte()
                assertFailsWith<JigapException.Authentication> { Wallet.restoreBackup(JigapStore.memory(), backup, code, "654321", FAST) }
            }
        }
    }

    @Test fun signTypedDataAndRecover() {
        Wallet.create(JigapStore.memory(), "123456", FAST_CREATE).use { w ->
            val me = w.account(0u).address
            val s = w.signTypedData(me, MAIL)
            assertEquals(MAIL_DIGEST, s.digest)
            assertEquals(MAIL_DIGEST, typedDataDigest(MAIL))
            assertEquals(me, recoverTypedDataSigner(MAIL, s.signature))
            val m = w.signMessage(me, "안녕하세요".toByteArray())
            assertEquals(me, recoverMessageSigner("안녕하세요".toByteArray(), m))
            val e = assertFailsWith<JigapException.InvalidInput> { w.signTypedData(me, "{\"types\":{}}") }
            assertContains(e.message!!, "typed data")
            assertFailsWith<JigapException.UnknownAccount> { w.signMessage("0x0000000000000000000000000000000000000001", byteArrayOf(1)) }
        }
    }

    @Test fun keystoreRoundTrip() {
        Wallet.create(JigapStore.memory(), "123456", FAST_CREATE).use { w ->
            val me = w.account(0u).address
            val json = w.exportKeystore(me, "correct horse", "pbkdf2")
            assertEquals(me, keystoreAddress(json, "correct horse"))
            assertFailsWith<JigapException.Authentication> { keystoreAddress(json, "wrong") }
            Wallet.create(JigapStore.memory(), "123456", FAST_CREATE).use { other ->
                assertEquals(me, other.importKeystore(json, "correct horse").address)
                assertTrue(other.accounts().any { it.address == me && it.path == null })
                val sig = other.signMessage(me, byteArrayOf(1, 2, 3))
                assertEquals(me, recoverMessageSigner(byteArrayOf(1, 2, 3), sig))
            }
        }
    }

    @Test fun kotlinStorePersistsBetweenWalletInstances() {
        val dir = tempDir()
        JigapStore.custom(FileStore(File(dir, "conformance.bin"))).checkConformance()
        // The same cases one by one, as an app's own test suite would list them.
        val cases = storeConformanceCases()
        assertTrue(cases.size >= 9, "$cases")
        for (name in cases) JigapStore.custom(FileStore(File(dir, "$name.bin"))).checkConformanceCase(name)
        assertFailsWith<JigapException.InvalidInput> { JigapStore.memory().checkConformanceCase("no such case") }
        val file = File(dir, "wallet.bin")
        val address = JigapStore.custom(FileStore(file)).use { store ->
            Wallet.create(store, "123456", FAST_CREATE).use { it.addAccount().address }
        }
        assertTrue(file.length() > 0)
        // A brand-new store object reading the same file: the wallet is there.
        JigapStore.custom(FileStore(file)).use { store ->
            Wallet.open(store, kdf = FAST).use { w ->
                w.unlock("123456")
                assertEquals(address, w.accounts()[1].address)
                assertEquals(address, recoverMessageSigner(byteArrayOf(9), w.signMessage(address, byteArrayOf(9))))
            }
        }
    }

    @Test fun exceptionsInsideAKotlinStoreBecomeStorageErrors() {
        val broken = object : Store {
            override fun get(key: ByteArray): ByteArray? = null
            override fun scan(prefix: ByteArray): List<StoreEntry> = emptyList()
            override fun write(batch: List<StoreOp>) = throw IllegalStateException("disk full")
        }
        val e = assertFailsWith<JigapException.Storage> {
            Wallet.create(JigapStore.custom(broken), "123456", FAST_CREATE)
        }
        assertContains(e.message!!, "disk full")
        val typed = object : Store by FileStore(File(tempDir(), "x")) {
            override fun write(batch: List<StoreOp>) = throw ForeignException.Failed("quota exceeded")
        }
        val e2 = assertFailsWith<JigapException.Storage> { Wallet.create(JigapStore.custom(typed), "123456", FAST_CREATE) }
        assertContains(e2.message!!, "quota exceeded")
    }

    @Test fun kotlinKeyProtector() {
        val key = aesKey()
        val store = JigapStore.memory()
        val address = Wallet.create(store, "123456", FAST_CREATE, JcaKeyProtector(key)).use { it.account(0u).address }
        val e = assertFailsWith<JigapException.Protector> { Wallet.open(store, FAST) }
        assertContains(e.message!!, "jca-aes-gcm:test")
        assertFailsWith<JigapException.Protector> {
            Wallet.open(store, FAST, JcaKeyProtector(aesKey())).use { it.unlock("123456") }
        }
        Wallet.open(store, FAST, JcaKeyProtector(key)).use { w ->
            w.unlock("123456")
            assertEquals(address, w.account(0u).address)
        }
    }

    @Test fun callsFromSeveralThreads() {
        Wallet.create(JigapStore.memory(), "123456", FAST_CREATE).use { w ->
            val accounts = (0 until 4).map { w.addAccount().address }
            val pool = Executors.newFixedThreadPool(8)
            val jobs = (0 until 400).map { i ->
                pool.submit<Boolean> {
                    val a = accounts[i % accounts.size]
                    val msg = "message $i".toByteArray()
                    when (i % 3) {
                        0 -> recoverMessageSigner(msg, w.signMessage(a, msg)) == a
                        1 -> recoverTypedDataSigner(MAIL, w.signTypedData(a, MAIL).signature) == a
                        else -> w.accounts().size == 5
                    }
                }
            }
            assertTrue(jobs.all { it.get(60, TimeUnit.SECONDS) })
            pool.shutdown()
        }
    }

    @Test fun validationMessagesNameTheProblem() {
        val e = assertFailsWith<JigapException.InvalidInput> {
            validateMnemonic("가격 가격 가격 가격 appl 가격 가격 가격 가격 가격 가격 가능", "ko")
        }
        assertEquals("word 5 is not in the Korean wordlist; check its spelling", e.message)
        assertFailsWith<JigapException.InvalidInput> { checksumAddress("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") }
        assertEquals("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", checksumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"))
        assertNotNull(jigapVersion())
    }

    @Test fun theLibrarySaysWhichPartsItCarries() {
        // The default build carries tickets and credentials; the eight extra wordlists only with
        // `all-languages` (which the workspace build these tests run on has, for the CLI).
        assertTrue(jigapFeatures().containsAll(listOf("tickets", "credentials")))
        val e = assertFailsWith<JigapException.InvalidInput> { validateMnemonic("abandon ".repeat(11) + "about", "ja") }
        assertEquals("all-languages" !in jigapFeatures(), "not built into this package" in e.message!!)
    }
}
