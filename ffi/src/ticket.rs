//! NFT tickets for Kotlin and Swift: holder (import, list, show a rotating pass, transfer),
//! gate (verify offline, receipts, entered sets shared between gates) and the test issuer.
