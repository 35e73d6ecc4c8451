// Verifiable credentials: the holder, the verifier, and an issuer for tests and demos.
export {};
