//! The issuer side: sign and seal grants, reissue them on transfer, authorise gates.
//!
//! Used by the tests, the CLI and the demo. A real issuer would run this on its server, with
//! the registry in its database.

use std::collections::BTreeMap;
use std::sync::Arc;

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use crate::env::Env;
use crate::keys::{Address, PrivateKey, Signature};
use crate::wallet::Wallet;

use super::eip712::{domain, event_hash, gate_digest, grant_digest};
use super::gate::GateAuthorization;
use super::grant::{SignedGrant, TicketTerms};
use super::keys::{SEAL_KEY_INFO, TicketIdentity, derive_ed25519, ed_public, ed_sign};
use super::transfer::TransferRequest;
use super::types::{TicketEvent, TicketGrant, TicketRef, text};
use super::{TicketError, limits};

/// What the issuer remembers of each ticket it issued: the current grant. A reissue must name
/// it, so the same grant cannot be sold twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedRecord {
    /// Digest of the current grant, `0x`-hex.
    pub digest: String,
    /// Its holder.
    pub holder: String,
    /// Its transfer count.
    pub transfers: u8,
}

/// Where an issuer's keys come from.
enum KeySource {
    /// A key handed over by the caller (tests, the CLI's key file).
    Fixed {
        key: Box<PrivateKey>,
        seal: Box<SigningKey>,
    },
    /// An account of a wallet: the key is taken from the wallet for each signature and never
    /// kept here, so locking the wallet stops the issuer at once.
    Wallet {
        wallet: Arc<Wallet>,
        account: Address,
    },
}

/// A ticket issuer: an account key (EIP-712 signatures) and the Ed25519 seal key derived from
/// it (HKDF-SHA256, info [`SEAL_KEY_INFO`]).
pub struct Issuer {
    env: Env,
    source: KeySource,
    identity: TicketIdentity,
    issued: BTreeMap<TicketRef, IssuedRecord>,
    /// The current grants signed by this instance, so a transfer request alone can be
    /// reissued ([`Issuer::reissue_request`]). Not part of the registry.
    grants: BTreeMap<TicketRef, SignedGrant>,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("address", &self.identity.address)
            .field("issued", &self.issued.len())
            .finish_non_exhaustive()
    }
}

impl Issuer {
    /// An issuer with this account key; the clock dates its grants.
    pub fn new(env: Env, key: PrivateKey) -> Result<Issuer, TicketError> {
        let identity = TicketIdentity::derive(&key, SEAL_KEY_INFO)?;
        Ok(Issuer {
            env,
            source: KeySource::Fixed {
                seal: Box::new(derive_ed25519(&key, SEAL_KEY_INFO)),
                key: Box::new(key),
            },
            identity,
            issued: BTreeMap::new(),
            grants: BTreeMap::new(),
        })
    }

    /// An issuer signing with `account`, one of `wallet`'s accounts; the clock of `env` dates
    /// its grants. It keeps no key of its own: each signature takes the key from the wallet,
    /// so after `wallet.lock()` it refuses to sign until the wallet is unlocked again.
    pub fn from_wallet(
        env: Env,
        wallet: Arc<Wallet>,
        account: &Address,
    ) -> Result<Issuer, TicketError> {
        let key = wallet.signing_key(account)?;
        let identity = TicketIdentity::derive(&key, SEAL_KEY_INFO)?;
        Ok(Issuer {
            env,
            source: KeySource::Wallet {
                wallet,
                account: *account,
            },
            identity,
            issued: BTreeMap::new(),
            grants: BTreeMap::new(),
        })
    }

    /// Sign `digest` with the account key and seal it with the seal key.
    fn sign_and_seal(&self, digest: &[u8; 32]) -> Result<(Signature, [u8; 64]), TicketError> {
        match &self.source {
            KeySource::Fixed { key, seal } => {
                Ok((key.sign_digest(digest)?, ed_sign(seal, digest)?))
            }
            KeySource::Wallet { wallet, account } => {
                let key = wallet.signing_key(account)?;
                let seal = derive_ed25519(&key, SEAL_KEY_INFO);
                Ok((key.sign_digest(digest)?, ed_sign(&seal, digest)?))
            }
        }
    }

    /// Seal `digest` only (gate authorisations).
    fn seal_only(&self, digest: &[u8; 32]) -> Result<[u8; 64], TicketError> {
        match &self.source {
            KeySource::Fixed { seal, .. } => ed_sign(seal, digest),
            KeySource::Wallet { wallet, account } => {
                let key = wallet.signing_key(account)?;
                ed_sign(&derive_ed25519(&key, SEAL_KEY_INFO), digest)
            }
        }
    }

    /// The issuer's identity (address + seal key + proof): what apps and gates trust.
    pub fn identity(&self) -> &TicketIdentity {
        &self.identity
    }

    /// The issuer's account.
    pub fn address(&self) -> Address {
        self.identity.address
    }

    pub(crate) fn sign(&self, grant: TicketGrant) -> Result<SignedGrant, TicketError> {
        grant.validate()?;
        let digest = grant_digest(&grant);
        let (signature, seal) = self.sign_and_seal(&digest)?;
        Ok(SignedGrant {
            issuer: self.identity.address,
            signature,
            seal,
            grant,
        })
    }

    fn record(&mut self, g: &SignedGrant) {
        self.grants.insert(g.ticket_ref(), g.clone());
        self.issued.insert(
            g.ticket_ref(),
            IssuedRecord {
                digest: crate::util::hex0x(&g.digest()),
                holder: g.grant.holder.to_string(),
                transfers: g.grant.transfers,
            },
        );
    }

    /// Grant a new ticket to `holder` (a verified ticket holder id): transfers 0, issued now.
    pub fn grant(
        &mut self,
        holder: &TicketIdentity,
        terms: TicketTerms,
    ) -> Result<SignedGrant, TicketError> {
        holder.verify()?;
        let grant = TicketGrant {
            chain_id: terms.chain_id,
            contract: terms.contract,
            token_id: terms.token_id,
            holder: holder.address,
            pass_key: holder.key,
            event: terms.event,
            seat: terms.seat,
            tier: terms.tier,
            policy: terms.policy,
            transfers: 0,
            issued_at: self.env.clock.now_secs(),
        };
        let r = grant.ticket_ref();
        if self.issued.contains_key(&r) {
            return Err(TicketError::AlreadyIssued(r));
        }
        let signed = self.sign(grant)?;
        self.record(&signed);
        Ok(signed)
    }

    /// Reissue `current` (one of this issuer's grants) to the new holder named in `request`,
    /// after checking the request: signed by the current holder, for this very grant, to a
    /// verified identity, within the transfer policy, and not already used for a reissue.
    pub fn reissue(
        &mut self,
        current: &SignedGrant,
        request: &TransferRequest,
    ) -> Result<SignedGrant, TicketError> {
        current.verify(&self.identity)?;
        let g = &current.grant;
        if request.ticket != g.ticket_ref() || request.grant != current.digest() {
            return Err(TicketError::BadTransferRequest(
                "it is for another ticket or another grant of this ticket".into(),
            ));
        }
        if request.from != g.holder {
            return Err(TicketError::BadTransferRequest(format!(
                "it comes from {}, but the ticket's holder is {}",
                request.from, g.holder
            )));
        }
        request.verify()?;
        // Without its record of the ticket the issuer cannot know whether this grant was
        // already reissued (a fresh instance, or a CLI run without the registry): reissuing
        // anyway would let one grant be sold twice.
        let rec = self.issued.get(&request.ticket).ok_or_else(|| {
            TicketError::BadTransferRequest(format!(
                "this issuer has no record of ticket {}; load the issuer's registry first",
                request.ticket
            ))
        })?;
        if rec.digest != crate::util::hex0x(&request.grant) {
            return Err(TicketError::GrantSuperseded);
        }
        if request.to.address == g.holder {
            return Err(TicketError::SameHolder);
        }
        g.policy
            .check(request.price, &request.currency, g.transfers)?;
        let mut next = g.clone();
        next.holder = request.to.address;
        next.pass_key = request.to.key;
        next.transfers = g.transfers.saturating_add(1);
        next.issued_at = self.env.clock.now_secs().max(g.issued_at);
        let signed = self.sign(next)?;
        self.record(&signed);
        Ok(signed)
    }

    /// Reissue `current` to the buyer of an on-chain resale (the contract's `Resold` event,
    /// read from the receipt or the logs): the chain already checked the price cap, the
    /// transfer count and the payment, and the buyer's account bound its pass key by sending
    /// the purchase. The new grant has the event's holder, pass key and transfer count.
    pub fn reissue_after_resale(
        &mut self,
        current: &SignedGrant,
        resold: &super::chain::TicketChainEvent,
    ) -> Result<SignedGrant, TicketError> {
        current.verify(&self.identity)?;
        let super::chain::TicketChainEvent::Resold {
            token_id,
            seller,
            buyer,
            transfers,
            pass_key,
            ..
        } = resold
        else {
            return Err(TicketError::BadTransferRequest(
                "this is not a Resold event of the ticket contract".into(),
            ));
        };
        let g = &current.grant;
        if *token_id != g.token_id || *seller != g.holder {
            return Err(TicketError::BadTransferRequest(format!(
                "the resale is of token {token_id} by {seller}, but this grant is token {} held by {}",
                g.token_id, g.holder
            )));
        }
        if *transfers != g.transfers.saturating_add(1) || *transfers > g.policy.max_transfers {
            return Err(TicketError::GrantSuperseded);
        }
        let mut next = g.clone();
        next.holder = *buyer;
        next.pass_key = pass_key.0;
        next.transfers = *transfers;
        next.issued_at = self.env.clock.now_secs().max(g.issued_at);
        let signed = self.sign(next)?;
        self.record(&signed);
        Ok(signed)
    }

    /// Reissue from a transfer request alone, when the current grant of its ticket was signed
    /// (granted or reissued) by this issuer instance; otherwise use [`Issuer::reissue`] with
    /// the grant the holder sends along.
    pub fn reissue_request(
        &mut self,
        request: &TransferRequest,
    ) -> Result<SignedGrant, TicketError> {
        let current = self.grants.get(&request.ticket).cloned().ok_or_else(|| {
            TicketError::BadTransferRequest(format!(
                "this issuer holds no current grant of ticket {}; send the ticket's grant with the request",
                request.ticket
            ))
        })?;
        self.reissue(&current, request)
    }

    /// Authorise a gate key, under a name, to admit `event` (tickets of `contract` on
    /// `chain_id`). The gate is configured with the result; wallets accept its receipts.
    pub fn authorize_gate(
        &self,
        chain_id: u64,
        contract: Address,
        event: &TicketEvent,
        gate_key: [u8; 32],
        gate_name: &str,
    ) -> Result<GateAuthorization, TicketError> {
        event.validate()?;
        text("gate name", gate_name, 1, limits::GATE_NAME)?;
        ed_public(&gate_key)?;
        let digest = gate_digest(
            &domain(chain_id, &contract),
            &event_hash(event),
            &gate_key,
            gate_name,
        );
        Ok(GateAuthorization {
            chain_id,
            contract,
            event: event.clone(),
            gate_key,
            gate_name: gate_name.to_string(),
            seal: self.seal_only(&digest)?,
        })
    }

    /// The registry of issued tickets as JSON (ticket reference → current grant).
    pub fn export_registry(&self) -> String {
        let m: BTreeMap<String, &IssuedRecord> = self
            .issued
            .iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        serde_json::to_string_pretty(&m).unwrap_or_default()
    }

    /// Load a registry written by [`Issuer::export_registry`] (replacing the one in memory).
    pub fn load_registry(&mut self, json: &str) -> Result<(), TicketError> {
        let m: BTreeMap<String, IssuedRecord> = serde_json::from_str(json)
            .map_err(|e| TicketError::invalid("issuer registry", format!("not readable: {e}")))?;
        let mut issued = BTreeMap::new();
        for (k, v) in m {
            issued.insert(k.parse::<TicketRef>()?, v);
        }
        // Keep only the grants that are still current in the loaded registry.
        self.grants.retain(|k, g| {
            issued
                .get(k)
                .is_some_and(|r: &IssuedRecord| r.digest == crate::util::hex0x(&g.digest()))
        });
        self.issued = issued;
        Ok(())
    }

    /// Every reissued ticket with the transfer count of its current grant: load it into the
    /// gates ([`super::Gate::set_current_transfers`]) so passes of sold grants are refused.
    pub fn reissued(&self) -> Vec<(TicketRef, u8)> {
        self.issued
            .iter()
            .filter(|(_, r)| r.transfers > 0)
            .map(|(k, r)| (*k, r.transfers))
            .collect()
    }

    /// The current grant's record of `ticket`, if this issuer issued it.
    pub fn issued(&self, ticket: &TicketRef) -> Option<&IssuedRecord> {
        self.issued.get(ticket)
    }
}
