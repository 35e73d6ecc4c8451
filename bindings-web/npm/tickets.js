// NFT tickets: the holder's rotating pass, the gate, and an issuer for tests and demos.
export {};
