//! Credentials for the web: holder, verifier and test issuer, as JS values in and out.
