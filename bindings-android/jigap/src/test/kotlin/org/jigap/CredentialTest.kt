package org.jigap

import org.jigap.core.*
import java.util.Base64
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import org.junit.Test

/** A clock the test moves: the app's trusted time in production. */
private class MovableClock(@Volatile var ms: Long = System.currentTimeMillis()) : Clock {
    override fun nowMs(): ULong = ms.toULong()
    fun advanceDays(days: Int) { ms += days * 86_400_000L }
}

/**
 * The credential flows a phone app runs: a drone licence as an SD-JWT VC presented with only
 * two claims, replays and tampering refused, expiry and revocation, Open Badges, JWT VPs.
 */
class CredentialTest {
    private val now = System.currentTimeMillis() / 1000
    private val inspector = "https://inspector.molit.example.kr"
    private val statusUrl = "https://licence.molit.example.kr/status/1"

    private class Setup(clock: Clock? = null) {
        val wallet = Wallet.create(JigapStore.memory(), "123456", FAST_CREATE)
        val credentials = Credentials(wallet, clock)
        val molit = CredentialIssuer(CredentialKeyType.P256, name = "MOLIT drone licensing")
        val academy = CredentialIssuer(CredentialKeyType.ED25519, name = "Korea Drone Academy")
    }

    private val licenceClaims = """{"given_name":"Jiwoo","family_name":"Kim","category":"A2",""" +
        """"licence_expiry":"2031-01-01","licence_number":"DR-2026-0042"}"""

    private fun Setup.licence(expiresAt: Long = now + 365 * 86_400L, statusIndex: Long? = null) =
        molit.issueSdJwt(SdJwtInput(
            vct = "https://licence.molit.example.kr/drone-pilot",
            claims = licenceClaims,
            holderJwk = credentials.holderJwk(),
            expiresAt = expiresAt.toULong(),
            status = statusIndex?.let { CredentialStatusEntry("revocation", it.toULong(), statusUrl) },
        ))

    private fun verifier(nonce: String, clock: Clock? = null, statusLists: Map<String, String> = emptyMap()) =
        CredentialVerifier(CredentialVerifierOptions(nonce = nonce, audience = inspector, statusLists = statusLists), clock)

    @Test fun sdJwtLicenceImportSearchAndDiscloseTwoClaims() {
        val s = Setup()
        assertTrue(s.credentials.holderDid().startsWith("did:key:zQ3s"))
        val stored = s.credentials.import(s.licence(), CredentialImportOptions(trustedIssuers = listOf(s.molit.id()), requireTrusted = true))
        assertEquals(CredentialFormat.SD_JWT_VC, stored.format)
        assertEquals(listOf("https://licence.molit.example.kr/drone-pilot"), stored.types)
        assertEquals(s.molit.id(), stored.issuer)
        assertTrue(stored.bound)
        assertEquals(CredentialValidity.VALID, stored.validity)
        assertContains(stored.disclosable, "category")
        assertContains(stored.claims, "\"licence_number\":\"DR-2026-0042\"")
        assertTrue(stored.warnings.isEmpty())

        assertEquals(listOf(stored.id), s.credentials.list().map { it.id })
        assertEquals(1, s.credentials.list(CredentialFilter(credentialType = "https://licence.molit.example.kr/drone-pilot")).size)
        assertEquals(1, s.credentials.list(CredentialFilter(issuer = s.molit.id().take(20), validity = CredentialValidity.VALID)).size)
        assertTrue(s.credentials.list(CredentialFilter(credentialType = "OpenBadgeCredential")).isEmpty())
        assertEquals(stored, s.credentials.get(stored.id))

        val presentation = s.credentials.present(stored.id, listOf("category", "licence_expiry"), "n-1", inspector)
        val v = verifier("n-1").verifyPresentation(presentation)
        assertEquals(CredentialFormat.SD_JWT_VC, v.format)
        assertEquals(s.credentials.holderJwk(), v.holder)
        val seen = v.credentials.single()
        assertEquals(s.molit.id(), seen.issuer)
        assertContains(seen.claims, "\"category\":\"A2\"")
        assertContains(seen.claims, "\"licence_expiry\":\"2031-01-01\"")
        for (hidden in listOf("given_name", "family_name", "licence_number", "Jiwoo", "_sd")) {
            assertFalse(seen.claims.contains(hidden), "$hidden leaked: ${seen.claims}")
        }
        assertFailsWith<JigapException.InvalidInput> {
            s.credentials.present(stored.id, listOf("blood_type"), "n-1", inspector)
        }
        // Another trust policy: an unknown issuer is refused, or accepted with a warning.
        val other = Setup()
        assertFailsWith<JigapException.Untrusted> {
            other.credentials.import(other.licence(), CredentialImportOptions(trustedIssuers = listOf(s.molit.id()), requireTrusted = true))
        }
        assertEquals(1, other.credentials.import(other.licence()).warnings.size)
    }

    @Test fun replaysAndTamperedDisclosuresAreRefused() {
        val s = Setup()
        val issued = s.licence()
        val id = s.credentials.import(issued).id
        val p = s.credentials.present(id, listOf("category", "licence_expiry"), "n-2", inspector)
        verifier("n-2").verifyPresentation(p)

        val replay = assertFailsWith<JigapException.Refused> { verifier("n-3").verifyPresentation(p) }
        assertContains(replay.message!!, "nonce")
        val elsewhere = CredentialVerifier(CredentialVerifierOptions(nonce = "n-2", audience = "https://shop.example"))
        assertContains(assertFailsWith<JigapException.Refused> { elsewhere.verifyPresentation(p) }.message!!, "audience")

        val parts = p.split("~")  // jwt, two disclosures, key-binding JWT
        assertEquals(4, parts.size)
        val removed = listOf(parts[0], parts[2], parts[3]).joinToString("~")
        assertContains(assertFailsWith<JigapException.Refused> { verifier("n-2").verifyPresentation(removed) }.message!!, "sd_hash")

        val givenName = issued.split("~").drop(1).filter { it.isNotEmpty() }.first {
            String(Base64.getUrlDecoder().decode(it)).contains("\"given_name\"")
        }
        val added = (parts.dropLast(1) + givenName + parts.last()).joinToString("~")
        assertFailsWith<JigapException.Refused> { verifier("n-2").verifyPresentation(added) }

        val fake = Base64.getUrlEncoder().withoutPadding().encodeToString("""["c2FsdA","category","C"]""".toByteArray())
        val altered = listOf(parts[0], fake, parts[2], parts[3]).joinToString("~")
        assertContains(assertFailsWith<JigapException.BadSignature> { verifier("n-2").verifyPresentation(altered) }.message!!, "disclosure")

        val noKeyBinding = parts.dropLast(1).joinToString("~") + "~"
        assertFailsWith<JigapException.Refused> { verifier("n-2").verifyPresentation(noKeyBinding) }
    }

    @Test fun expiredLicenceIsReportedByTheMovedClock() {
        val clock = MovableClock()
        val s = Setup(clock)
        val id = s.credentials.import(s.licence(expiresAt = now + 86_400)).id
        clock.advanceDays(2)
        assertEquals(CredentialValidity.EXPIRED, s.credentials.get(id).validity)
        assertEquals(listOf(id), s.credentials.list(CredentialFilter(validity = CredentialValidity.EXPIRED)).map { it.id })
        val p = s.credentials.present(id, listOf("category"), "n-4", inspector)
        val e = assertFailsWith<JigapException.Expired> { verifier("n-4", clock).verifyPresentation(p) }
        assertContains(e.message!!, "expired")
        // A presentation older than the verifier's window is refused as expired too.
        val fresh = Setup()
        val p2 = fresh.credentials.present(fresh.credentials.import(fresh.licence()).id, listOf("category"), "n-5", inspector)
        assertFailsWith<JigapException.Expired> { verifier("n-5", MovableClock().apply { advanceDays(1) }).verifyPresentation(p2) }
    }

    @Test fun revokedLicenceIsReportedFromTheStatusList() {
        val s = Setup()
        val good = s.credentials.import(s.licence(statusIndex = 7)).id
        val bad = s.credentials.import(s.licence(statusIndex = 94_567))
        assertEquals(CredentialStatusEntry("revocation", 94_567uL, statusUrl, 1u), bad.status)
        val list = s.molit.issueStatusList(StatusListInput(url = statusUrl, set = listOf(94_567uL, 3uL)))
        assertEquals(CredentialStatus.Valid, s.credentials.checkStatus(good, list))
        assertEquals(CredentialStatus.Revoked, s.credentials.checkStatus(bad.id, list))
        assertEquals(CredentialStatus.Revoked, s.credentials.get(bad.id).lastStatus)

        val lists = mapOf(statusUrl to list)
        val ok = verifier("n-6", statusLists = lists).verifyPresentation(s.credentials.present(good, listOf("category"), "n-6", inspector))
        assertEquals(CredentialStatus.Valid, ok.credentials.single().status)
        val e = assertFailsWith<JigapException.Refused> {
            verifier("n-6", statusLists = lists).verifyPresentation(s.credentials.present(bad.id, listOf("category"), "n-6", inspector))
        }
        assertContains(e.message!!, "revoked")
        // Without the list the verifier warns; a list from another issuer is refused.
        val unchecked = verifier("n-7").verifyPresentation(s.credentials.present(good, listOf("category"), "n-7", inspector))
        assertTrue(unchecked.warnings.any { it.contains("status not checked") })
        val foreign = s.academy.issueStatusList(StatusListInput(url = statusUrl))
        assertFailsWith<JigapException.Refused> { s.credentials.checkStatus(good, foreign) }
    }

    @Test fun openBadgeShowsAchievementAndIssuerAndIncompleteBadgesAreRejected() {
        val s = Setup()
        val me = s.credentials.holderDid()
        val badge = s.academy.issueBadge(BadgeInput(
            name = "Drone safety, level 1", achievementName = "Drone Safety Basics",
            description = "Safe flight near people and airports", subject = me,
            criteriaNarrative = "Pass the 20-question theory test and a practical flight.",
            image = "https://academy.example.kr/badges/safety.png",
        ))
        val stored = s.credentials.import(badge)
        assertEquals(CredentialFormat.JWT_VC, stored.format)
        assertEquals(me, stored.subject)
        assertEquals("Korea Drone Academy", stored.issuerName)
        val b = assertNotNull(stored.badge)
        assertEquals("Drone Safety Basics", b.achievementName)
        assertEquals("Korea Drone Academy", b.issuerName)
        assertEquals("https://academy.example.kr/badges/safety.png", b.image)
        assertContains(b.criteria.narrative!!, "theory test")
        assertEquals(listOf(stored.id), s.credentials.list(CredentialFilter(achievement = "safety basics")).map { it.id })
        assertEquals(1, s.credentials.list(CredentialFilter(credentialType = "OpenBadgeCredential", issuer = "drone academy")).size)

        val noCriteria = s.academy.issueJwtVc("""{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:1",""" +
            """"type":["VerifiableCredential","OpenBadgeCredential"],"name":"No criteria","validFrom":"2026-01-01T00:00:00Z",""" +
            """"credentialSubject":{"id":"$me","type":["AchievementSubject"],"achievement":{"id":"https://x.example/a",""" +
            """"type":["Achievement"],"name":"A","description":"d"}}}""")
        assertContains(assertFailsWith<JigapException.InvalidInput> { s.credentials.import(noCriteria) }.message!!, "criteria")
        assertFailsWith<JigapException.InvalidInput> {
            s.academy.issueBadge(BadgeInput(name = "x", achievementName = "x", description = "x", subject = me))
        }
        // Issued to someone else: refused.
        val stranger = Setup().credentials.holderDid()
        val theirs = s.academy.issueBadge(BadgeInput(name = "x", achievementName = "x", description = "x", subject = stranger, criteriaNarrative = "x"))
        assertFailsWith<JigapException.Refused> { s.credentials.import(theirs) }
        assertEquals(1, s.credentials.list().size)
    }

    @Test fun jwtVpOfTwoBadgesRoundTripsAndDeleteRemoves() {
        val s = Setup()
        val me = s.credentials.holderDid()
        fun badge(name: String, format: CredentialFormat?) = s.credentials.import(s.academy.issueBadge(BadgeInput(
            name = name, achievementName = name, description = "d", subject = me, criteriaUrl = "https://academy.example.kr/c", format = format,
        ))).id
        val first = badge("Theory", null)
        val second = badge("Night flight", CredentialFormat.DATA_INTEGRITY)
        val vp = s.credentials.presentJwtVp(listOf(first, second), "n-8", inspector)
        val v = verifier("n-8").verifyPresentation(vp)
        assertEquals(CredentialFormat.JWT_VP, v.format)
        assertEquals(me, v.holder)
        assertEquals(listOf("Theory", "Night flight"), v.credentials.map { it.badge?.achievementName })
        assertEquals(listOf(CredentialFormat.JWT_VC, CredentialFormat.DATA_INTEGRITY), v.credentials.map { it.format })
        // present() of a non-SD-JWT credential is a JWT VP too, and cannot disclose selectively.
        assertEquals(CredentialFormat.JWT_VP, verifier("n-9").verifyPresentation(s.credentials.present(first, emptyList(), "n-9", inspector)).format)
        assertFailsWith<JigapException.InvalidInput> { s.credentials.present(first, listOf("name"), "n-9", inspector) }
        assertFailsWith<JigapException.Refused> { verifier("n-other").verifyPresentation(vp) }

        s.credentials.delete(first)
        assertEquals(listOf(second), s.credentials.list().map { it.id })
        assertFailsWith<JigapException.NotFound> { s.credentials.get(first) }
        assertFailsWith<JigapException.NotFound> { s.credentials.delete(first) }
    }

    @Test fun didWebIssuerWithTheAppsDidDocument() {
        val s = Setup()
        val did = "did:web:licence.molit.example.kr"
        val issuer = CredentialIssuer(CredentialKeyType.SECP256K1, seed = ByteArray(32) { 7 }, id = did)
        val doc = """{"id":"$did","verificationMethod":[{"id":"$did#key-1","type":"JsonWebKey2020","controller":"$did",""" +
            """"publicKeyJwk":${issuer.publicJwk()}}],"assertionMethod":["$did#key-1"]}"""
        val sd = issuer.issueSdJwt(SdJwtInput(vct = "https://licence.molit.example.kr/drone-pilot", claims = """{"category":"A1"}""", holderJwk = s.credentials.holderJwk()))
        assertContains(assertFailsWith<JigapException.InvalidInput> { s.credentials.import(sd) }.message!!, "DID document")
        val stored = s.credentials.import(sd, CredentialImportOptions(didDocuments = listOf(doc), trustedIssuers = listOf(did), requireTrusted = true))
        assertEquals(did, stored.issuer)
        val p = s.credentials.present(stored.id, listOf("category"), "n-10", inspector)
        assertFailsWith<JigapException.InvalidInput> { verifier("n-10").verifyPresentation(p) }
        assertFailsWith<JigapException.Untrusted> {
            CredentialVerifier(CredentialVerifierOptions(nonce = "n-10", audience = inspector, didDocuments = listOf(doc), requireTrusted = true)).verifyPresentation(p)
        }
        val v = CredentialVerifier(CredentialVerifierOptions(nonce = "n-10", audience = inspector, didDocuments = listOf(doc), trustedIssuers = listOf(did), requireTrusted = true))
        assertContains(v.verifyPresentation(p).credentials.single().claims, "\"category\":\"A1\"")
        // The same seed gives the same key.
        assertEquals(issuer.publicJwk(), CredentialIssuer(CredentialKeyType.SECP256K1, seed = ByteArray(32) { 7 }).publicJwk())
    }
}
