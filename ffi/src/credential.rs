//! Verifiable credentials for Kotlin and Swift: holder (import, list, present selectively),
//! verifier (check a presentation) and the test issuer (Open Badges, SD-JWT VCs, status lists).
