// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title Purpose-bound vouchers over an ERC-20 deposit token (jigap vouchers, version 1)
/// @notice Issuers fund the pool and register vouchers; a merchant (or anyone for it) submits
/// the holder's signed `Redemption` with the merchant's signed `PaymentRequest` — the very
/// EIP-712 structs a jigap wallet signs offline, under the domain
/// `("jigap vouchers", "1", chainid, address(this))` — and is paid in the deposit token once
/// every purpose rule of the voucher holds at block time.
/// @dev Invariants: `outstanding` is the sum of every voucher's `remaining`, `unallocatedTotal`
/// the sum of the issuers' unallocated funds, and `outstanding + unallocatedTotal` never exceeds
/// the pool's token balance; for every voucher `amount = remaining + spent - refunded` until it
/// is reclaimed after expiry. Amounts are in the currency's minor units; the token moves
/// `amount * scale` base units. A voucher stores only the hash of its grant: the grant itself
/// travels in calldata (the merchant has it from the wallet) and is checked against the hash.
contract VoucherPool is EIP712, Ownable, Pausable {
    using SafeERC20 for IERC20;

    /// @notice What a voucher may be spent on (EIP-712 `Purpose`); empty lists mean no restriction.
    struct Purpose {
        uint16[] categories;
        address[] merchants;
        string[] regions;
        uint64 validFrom;
        uint64 validUntil;
        uint16 hoursStart;
        uint16 hoursEnd;
        int16 utcOffsetMinutes;
        uint256 minPayment;
        uint256 maxPayment;
        uint256 dailyLimit;
        bool singleUse;
    }

    /// @notice A voucher as its issuer granted it (EIP-712 `VoucherGrant`).
    struct VoucherGrant {
        bytes32 voucherId;
        address issuer;
        address holder;
        string currency;
        uint256 amount;
        uint64 issuedAt;
        Purpose purpose;
    }

    /// @notice A merchant's request for payment (EIP-712 `PaymentRequest`).
    struct PaymentRequest {
        bytes32 requestId;
        address merchant;
        string merchantName;
        uint16 category;
        string region;
        string currency;
        uint256 amount;
        uint64 expiresAt;
    }

    /// @notice How much of one voucher pays a redemption (EIP-712 `Allocation`).
    struct Allocation {
        bytes32 voucherId;
        uint256 amount;
    }

    /// @notice The holder's signed payment of a request (EIP-712 `Redemption`).
    struct Redemption {
        bytes32 requestId;
        address merchant;
        address holder;
        uint64 sequence;
        Allocation[] allocations;
        uint256 total;
        uint64 createdAt;
    }

    /// @notice Everything one redemption needs: both signed structs and the grants it spends,
    /// in allocation order.
    struct Submission {
        Redemption redemption;
        bytes holderSignature;
        PaymentRequest request;
        bytes merchantSignature;
        VoucherGrant[] grants;
    }

    /// @notice A merchant as the registry knows it: the category and region it may claim.
    struct MerchantEntry {
        address merchant;
        uint16 category;
        string region;
        bool active;
    }

    /// @notice A voucher's public state. `day` and `spentToday` are in the voucher's time zone.
    struct Voucher {
        bytes32 grantHash;
        uint64 remaining;
        uint64 spent;
        uint64 refunded;
        uint64 validUntil;
        address issuer;
        uint24 day;
        uint64 spentToday;
        bool used;
    }

    struct Merchant {
        bytes32 regionHash;
        uint16 category;
        bool active;
    }

    bytes32 private constant PURPOSE_TYPEHASH = keccak256(
        "Purpose(uint16[] categories,address[] merchants,string[] regions,uint64 validFrom,uint64 validUntil,uint16 hoursStart,uint16 hoursEnd,int16 utcOffsetMinutes,uint256 minPayment,uint256 maxPayment,uint256 dailyLimit,bool singleUse)"
    );
    bytes32 private constant GRANT_TYPEHASH = keccak256(
        "VoucherGrant(bytes32 voucherId,address issuer,address holder,string currency,uint256 amount,uint64 issuedAt,Purpose purpose)Purpose(uint16[] categories,address[] merchants,string[] regions,uint64 validFrom,uint64 validUntil,uint16 hoursStart,uint16 hoursEnd,int16 utcOffsetMinutes,uint256 minPayment,uint256 maxPayment,uint256 dailyLimit,bool singleUse)"
    );
    bytes32 private constant REQUEST_TYPEHASH = keccak256(
        "PaymentRequest(bytes32 requestId,address merchant,string merchantName,uint16 category,string region,string currency,uint256 amount,uint64 expiresAt)"
    );
    bytes32 private constant ALLOCATION_TYPEHASH = keccak256("Allocation(bytes32 voucherId,uint256 amount)");
    bytes32 private constant REDEMPTION_TYPEHASH = keccak256(
        "Redemption(bytes32 requestId,address merchant,address holder,uint64 sequence,Allocation[] allocations,uint256 total,uint64 createdAt)Allocation(bytes32 voucherId,uint256 amount)"
    );

    /// @notice The deposit token.
    IERC20 public immutable token;
    /// @notice Token base units per minor unit of `currency` (1 for a whole-won token).
    uint256 public immutable scale;
    /// @notice The currency every voucher and request of this pool is in (e.g. `KRW`).
    string public currency;
    bytes32 private immutable currencyHash;

    /// @notice Sum of every voucher's remaining value.
    uint256 public outstanding;
    /// @notice Sum of the issuers' funds not yet granted.
    uint256 public unallocatedTotal;
    /// @notice Each issuer's funds not yet granted.
    mapping(address => uint256) public unallocated;
    /// @notice Accounts allowed to fund and register vouchers.
    mapping(address => bool) public issuers;
    /// @notice Vouchers by id.
    mapping(bytes32 => Voucher) public vouchers;
    /// @notice The merchant registry.
    mapping(address => Merchant) public merchants;
    /// @notice `keccak256(holder, sequence)` → the redemption digest that used it.
    mapping(bytes32 => bytes32) public sequenceUsedBy;

    /// @notice An issuer added to the pool's funds.
    event Funded(address indexed issuer, uint256 amount);
    /// @notice An issuer took back funds it had not granted.
    event Withdrawn(address indexed issuer, uint256 amount);
    /// @notice An account may (or may no longer) issue.
    event IssuerSet(address indexed issuer, bool allowed);
    /// @notice The registry entry of a merchant changed.
    event MerchantSet(address indexed merchant, uint16 category, string region, bool active);
    /// @notice A voucher was registered; its grant hashes to `grantHash`.
    event GrantRegistered(
        bytes32 indexed voucherId, address indexed issuer, address indexed holder, uint256 amount, uint64 validUntil, bytes32 grantHash
    );
    /// @notice Part of a redemption was paid from a voucher.
    event VoucherSpent(
        bytes32 indexed voucherId, bytes32 indexed redemptionHash, address indexed merchant, uint256 amount, uint256 remaining
    );
    /// @notice A redemption settled: the merchant was paid `total`.
    event Redeemed(
        bytes32 indexed redemptionHash, address indexed holder, address indexed merchant, bytes32 requestId, uint64 sequence, uint256 total
    );
    /// @notice A merchant returned value to a voucher.
    event VoucherRefunded(
        bytes32 indexed voucherId, address indexed merchant, uint256 amount, bytes32 ref, uint256 remaining
    );
    /// @notice After expiry, the issuer took back what was left on a voucher.
    event VoucherReclaimed(bytes32 indexed voucherId, address indexed issuer, uint256 amount);
    /// @notice One redemption of a batch was refused; `reason` is its revert data.
    event RedemptionFailed(uint256 indexed index, bytes32 indexed redemptionHash, bytes reason);

    error NotIssuer(address account);
    error WrongCurrency(string currency);
    error ZeroAmount();
    error AmountTooLarge(uint256 amount);
    error InsufficientUnallocated(uint256 available, uint256 needed);
    error VoucherExists(bytes32 voucherId);
    error GrantNotIssuedBySender(bytes32 voucherId, address issuer);
    error InvalidPurpose(bytes32 voucherId);
    error BadSignature(string signer);
    error SignatureHighS(string signer);
    error RequestMismatch(bytes32 requestId);
    error RequestExpired(bytes32 requestId, uint64 expiresAt, uint256 blockTime);
    error MerchantNotRegistered(address merchant);
    error CategoryMismatch(address merchant, uint16 registered, uint16 claimed);
    error RegionMismatch(address merchant, string claimed);
    error AllocationMismatch(uint256 allocated, uint256 total);
    error AlreadyRedeemed(bytes32 redemptionHash);
    error SequenceUsed(address holder, uint64 sequence);
    error UnregisteredGrant(bytes32 voucherId);
    error GrantMismatch(bytes32 voucherId);
    error NotHolder(bytes32 voucherId, address holder);
    error VoucherNotYetValid(bytes32 voucherId, uint64 validFrom, uint256 blockTime);
    error VoucherExpired(bytes32 voucherId, uint64 validUntil, uint256 blockTime);
    error MerchantNotAllowed(bytes32 voucherId, address merchant, uint16 category);
    error RegionNotAllowed(bytes32 voucherId, string region);
    error OutsideHours(bytes32 voucherId, uint16 localMinute, uint16 hoursStart, uint16 hoursEnd);
    error BelowMinimum(bytes32 voucherId, uint256 amount, uint256 minPayment);
    error AboveMaximum(bytes32 voucherId, uint256 amount, uint256 maxPayment);
    error DailyLimitExceeded(bytes32 voucherId, uint256 spentToday, uint256 amount, uint256 dailyLimit);
    error SingleUseSpent(bytes32 voucherId);
    error InsufficientValue(bytes32 voucherId, uint256 remaining, uint256 amount);
    error RefundAboveSpent(bytes32 voucherId, uint256 refundable, uint256 amount);
    error NotExpired(bytes32 voucherId, uint64 validUntil);
    error NotVoucherIssuer(bytes32 voucherId, address issuer);
    error UnknownVoucher(bytes32 voucherId);

    /// @param depositToken The ERC-20 the vouchers are paid in.
    /// @param currencyCode The currency of every voucher (e.g. `KRW`).
    /// @param unitScale Token base units per minor unit of the currency (at least 1).
    /// @dev The deployer owns the pool (registry, issuers, pause) and is its first issuer.
    constructor(IERC20 depositToken, string memory currencyCode, uint256 unitScale)
        EIP712("jigap vouchers", "1")
        Ownable(msg.sender)
    {
        if (unitScale == 0) revert ZeroAmount();
        token = depositToken;
        scale = unitScale;
        currency = currencyCode;
        currencyHash = keccak256(bytes(currencyCode));
        issuers[msg.sender] = true;
        emit IssuerSet(msg.sender, true);
    }

    // ---------------------------------------------------------------- owner

    /// @notice Allow or stop an account issuing vouchers from this pool.
    /// @param issuer The account.
    /// @param allowed Whether it may fund and register.
    function setIssuer(address issuer, bool allowed) external onlyOwner {
        issuers[issuer] = allowed;
        emit IssuerSet(issuer, allowed);
    }

    /// @notice Set registry entries: the category and region each merchant may claim.
    /// @param entries Merchants with their category (ISO 18245), region (ISO 3166-2) and status.
    function setMerchants(MerchantEntry[] calldata entries) external onlyOwner {
        for (uint256 i = 0; i < entries.length; i++) {
            MerchantEntry calldata e = entries[i];
            merchants[e.merchant] = Merchant(keccak256(bytes(e.region)), e.category, e.active);
            emit MerchantSet(e.merchant, e.category, e.region, e.active);
        }
    }

    /// @notice Stop redemptions, refunds, funding and registration (reclaims stay open).
    function pause() external onlyOwner {
        _pause();
    }

    /// @notice Resume after `pause`.
    function unpause() external onlyOwner {
        _unpause();
    }

    // ---------------------------------------------------------------- issuer

    modifier onlyIssuer() {
        if (!issuers[msg.sender]) revert NotIssuer(msg.sender);
        _;
    }

    /// @notice Move `amount` minor units of deposit token from the issuer into the pool
    /// (the issuer approves `amount * scale` first).
    /// @param amount Minor units.
    function fund(uint256 amount) external onlyIssuer whenNotPaused {
        if (amount == 0) revert ZeroAmount();
        unallocated[msg.sender] += amount;
        unallocatedTotal += amount;
        token.safeTransferFrom(msg.sender, address(this), amount * scale);
        emit Funded(msg.sender, amount);
    }

    /// @notice Take back funds not granted to any voucher.
    /// @param amount Minor units.
    function withdraw(uint256 amount) external onlyIssuer {
        uint256 available = unallocated[msg.sender];
        if (amount > available) revert InsufficientUnallocated(available, amount);
        unallocated[msg.sender] = available - amount;
        unallocatedTotal -= amount;
        token.safeTransfer(msg.sender, amount * scale);
        emit Withdrawn(msg.sender, amount);
    }

    /// @notice Register vouchers the sender granted, backed by its unallocated funds.
    /// @param grants The grants, as the holders' wallets hold them (issuer = the sender).
    function registerGrants(VoucherGrant[] calldata grants) external onlyIssuer whenNotPaused {
        uint256 total = 0;
        for (uint256 i = 0; i < grants.length; i++) {
            VoucherGrant calldata g = grants[i];
            if (g.issuer != msg.sender) revert GrantNotIssuedBySender(g.voucherId, g.issuer);
            if (keccak256(bytes(g.currency)) != currencyHash) revert WrongCurrency(g.currency);
            if (g.amount == 0) revert ZeroAmount();
            if (g.amount > type(uint64).max) revert AmountTooLarge(g.amount);
            Purpose calldata p = g.purpose;
            if (
                p.validUntil <= p.validFrom || p.hoursStart > 1440 || p.hoursEnd > 1440 || p.utcOffsetMinutes > 840
                    || p.utcOffsetMinutes < -840
            ) revert InvalidPurpose(g.voucherId);
            if (vouchers[g.voucherId].grantHash != 0) revert VoucherExists(g.voucherId);
            bytes32 h = hashGrant(g);
            vouchers[g.voucherId] = Voucher(h, uint64(g.amount), 0, 0, p.validUntil, msg.sender, 0, 0, false);
            total += g.amount;
            emit GrantRegistered(g.voucherId, msg.sender, g.holder, g.amount, p.validUntil, h);
        }
        uint256 available = unallocated[msg.sender];
        if (total > available) revert InsufficientUnallocated(available, total);
        unallocated[msg.sender] = available - total;
        unallocatedTotal -= total;
        outstanding += total;
    }

    /// @notice After a voucher's `validUntil`, return what is left on it to its issuer (the
    /// purpose-bound-money "revoke after expiry"). Vouchers with nothing left are skipped.
    /// @param voucherIds Vouchers of the sender.
    function reclaim(bytes32[] calldata voucherIds) external {
        uint256 total = 0;
        for (uint256 i = 0; i < voucherIds.length; i++) {
            bytes32 id = voucherIds[i];
            Voucher storage v = vouchers[id];
            if (v.grantHash == 0) revert UnknownVoucher(id);
            if (v.issuer != msg.sender) revert NotVoucherIssuer(id, msg.sender);
            if (block.timestamp < v.validUntil) revert NotExpired(id, v.validUntil);
            uint64 left = v.remaining;
            if (left == 0) continue;
            v.remaining = 0;
            total += left;
            emit VoucherReclaimed(id, msg.sender, left);
        }
        outstanding -= total;
        if (total > 0) token.safeTransfer(msg.sender, total * scale);
    }

    // ---------------------------------------------------------------- merchants

    /// @notice Settle one redemption: check both signatures, the request, the merchant registry,
    /// every purpose rule at block time, the vouchers' values and replay; pay the merchant.
    /// @param s The holder's signed redemption, the merchant's signed request and the grants.
    /// @return redemptionHash The EIP-712 digest the holder signed.
    function redeem(Submission calldata s) public whenNotPaused returns (bytes32 redemptionHash) {
        Redemption calldata r = s.redemption;
        PaymentRequest calldata q = s.request;
        if (q.requestId != r.requestId || q.merchant != r.merchant || q.amount != r.total) {
            revert RequestMismatch(r.requestId);
        }
        if (block.timestamp >= q.expiresAt) revert RequestExpired(q.requestId, q.expiresAt, block.timestamp);
        if (keccak256(bytes(q.currency)) != currencyHash) revert WrongCurrency(q.currency);
        _checkSigner(_hashTypedDataV4(hashRequest(q)), s.merchantSignature, q.merchant, "merchant");
        redemptionHash = _hashTypedDataV4(hashRedemption(r));
        _checkSigner(redemptionHash, s.holderSignature, r.holder, "holder");
        _checkMerchant(q);

        bytes32 seqKey = keccak256(abi.encode(r.holder, r.sequence));
        bytes32 used = sequenceUsedBy[seqKey];
        if (used == redemptionHash) revert AlreadyRedeemed(redemptionHash);
        if (used != 0) revert SequenceUsed(r.holder, r.sequence);
        sequenceUsedBy[seqKey] = redemptionHash;

        uint256 n = r.allocations.length;
        if (n == 0 || s.grants.length != n) revert AllocationMismatch(n, s.grants.length);
        uint256 sum = 0;
        for (uint256 i = 0; i < n; i++) {
            Allocation calldata a = r.allocations[i];
            sum += a.amount;
            _spend(s.grants[i], a, q, redemptionHash, r.holder);
        }
        if (sum != r.total) revert AllocationMismatch(sum, r.total);
        outstanding -= sum;
        token.safeTransfer(q.merchant, sum * scale);
        emit Redeemed(redemptionHash, r.holder, q.merchant, r.requestId, r.sequence, sum);
    }

    /// @notice Settle many redemptions (an issuer's or merchant's batch): each one that is
    /// refused is skipped with a `RedemptionFailed` event carrying its reason.
    /// @param batch The submissions.
    /// @return settled How many settled.
    function redeemBatch(Submission[] calldata batch) external whenNotPaused returns (uint256 settled) {
        for (uint256 i = 0; i < batch.length; i++) {
            try this.redeem(batch[i]) {
                settled++;
            } catch (bytes memory reason) {
                emit RedemptionFailed(i, _hashTypedDataV4(hashRedemption(batch[i].redemption)), reason);
            }
        }
    }

    /// @notice A registered merchant returns value to a voucher it was paid from (the merchant
    /// approves `amount * scale` first). A single-use voucher may be used once more.
    /// @param voucherId The voucher.
    /// @param amount Minor units, at most what the voucher paid out and was not refunded.
    /// @param ref The merchant's reference (e.g. its refund or receipt number).
    function refund(bytes32 voucherId, uint256 amount, bytes32 ref) external whenNotPaused {
        if (!merchants[msg.sender].active) revert MerchantNotRegistered(msg.sender);
        Voucher storage v = vouchers[voucherId];
        if (v.grantHash == 0) revert UnknownVoucher(voucherId);
        if (amount == 0) revert ZeroAmount();
        uint256 refundable = uint256(v.spent) - v.refunded;
        if (amount > refundable) revert RefundAboveSpent(voucherId, refundable, amount);
        v.refunded += uint64(amount);
        v.remaining += uint64(amount);
        v.used = false;
        outstanding += amount;
        token.safeTransferFrom(msg.sender, address(this), amount * scale);
        emit VoucherRefunded(voucherId, msg.sender, amount, ref, v.remaining);
    }

    // ---------------------------------------------------------------- views

    /// @notice `outstanding`, `unallocatedTotal` and the token balance; the first two never
    /// sum above the third.
    function solvency() external view returns (uint256, uint256, uint256) {
        return (outstanding, unallocatedTotal, token.balanceOf(address(this)) / scale);
    }

    /// @notice The redemption digest a holder signs for `r` under this pool's domain.
    /// @param r The redemption.
    function redemptionDigest(Redemption calldata r) external view returns (bytes32) {
        return _hashTypedDataV4(hashRedemption(r));
    }

    /// @notice The request digest a merchant signs for `q` under this pool's domain.
    /// @param q The request.
    function requestDigest(PaymentRequest calldata q) external view returns (bytes32) {
        return _hashTypedDataV4(hashRequest(q));
    }

    /// @notice `hashStruct(VoucherGrant)`, as registered.
    /// @param g The grant.
    function hashGrant(VoucherGrant calldata g) public pure returns (bytes32) {
        return keccak256(
            abi.encode(
                GRANT_TYPEHASH,
                g.voucherId,
                g.issuer,
                g.holder,
                keccak256(bytes(g.currency)),
                g.amount,
                g.issuedAt,
                _hashPurpose(g.purpose)
            )
        );
    }

    /// @notice `hashStruct(PaymentRequest)`.
    /// @param q The request.
    function hashRequest(PaymentRequest calldata q) public pure returns (bytes32) {
        return keccak256(
            abi.encode(
                REQUEST_TYPEHASH,
                q.requestId,
                q.merchant,
                keccak256(bytes(q.merchantName)),
                q.category,
                keccak256(bytes(q.region)),
                keccak256(bytes(q.currency)),
                q.amount,
                q.expiresAt
            )
        );
    }

    /// @notice `hashStruct(Redemption)`.
    /// @param r The redemption.
    function hashRedemption(Redemption calldata r) public pure returns (bytes32) {
        uint256 n = r.allocations.length;
        bytes32[] memory hs = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            hs[i] = keccak256(abi.encode(ALLOCATION_TYPEHASH, r.allocations[i].voucherId, r.allocations[i].amount));
        }
        return keccak256(
            abi.encode(
                REDEMPTION_TYPEHASH,
                r.requestId,
                r.merchant,
                r.holder,
                r.sequence,
                keccak256(abi.encodePacked(hs)),
                r.total,
                r.createdAt
            )
        );
    }

    // ---------------------------------------------------------------- internals

    function _hashPurpose(Purpose calldata p) private pure returns (bytes32) {
        uint256 nr = p.regions.length;
        bytes32[] memory rs = new bytes32[](nr);
        for (uint256 i = 0; i < nr; i++) {
            rs[i] = keccak256(bytes(p.regions[i]));
        }
        uint256 nc = p.categories.length;
        uint256[] memory cs = new uint256[](nc);
        for (uint256 i = 0; i < nc; i++) {
            cs[i] = p.categories[i];
        }
        return keccak256(
            bytes.concat(
                abi.encode(
                    PURPOSE_TYPEHASH,
                    keccak256(abi.encodePacked(cs)),
                    keccak256(abi.encodePacked(_words(p.merchants))),
                    keccak256(abi.encodePacked(rs)),
                    p.validFrom,
                    p.validUntil,
                    p.hoursStart,
                    p.hoursEnd
                ),
                abi.encode(int256(p.utcOffsetMinutes), p.minPayment, p.maxPayment, p.dailyLimit, p.singleUse)
            )
        );
    }

    function _words(address[] calldata a) private pure returns (bytes32[] memory w) {
        w = new bytes32[](a.length);
        for (uint256 i = 0; i < a.length; i++) {
            w[i] = bytes32(uint256(uint160(a[i])));
        }
    }

    function _checkSigner(bytes32 digest, bytes calldata sig, address expected, string memory who) private pure {
        (address got, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, sig);
        if (err == ECDSA.RecoverError.InvalidSignatureS) revert SignatureHighS(who);
        if (err != ECDSA.RecoverError.NoError || got != expected) revert BadSignature(who);
    }

    /// The registry, not the merchant, says which category and region it has.
    function _checkMerchant(PaymentRequest calldata q) private view {
        Merchant memory m = merchants[q.merchant];
        if (!m.active) revert MerchantNotRegistered(q.merchant);
        if (m.category != q.category) revert CategoryMismatch(q.merchant, m.category, q.category);
        if (m.regionHash != keccak256(bytes(q.region))) revert RegionMismatch(q.merchant, q.region);
    }

    function _spend(VoucherGrant calldata g, Allocation calldata a, PaymentRequest calldata q, bytes32 rh, address holder)
        private
    {
        Voucher storage v = vouchers[a.voucherId];
        if (v.grantHash == 0) revert UnregisteredGrant(a.voucherId);
        if (g.voucherId != a.voucherId || hashGrant(g) != v.grantHash) revert GrantMismatch(a.voucherId);
        if (g.holder != holder) revert NotHolder(a.voucherId, holder);
        Purpose calldata p = g.purpose;
        _checkPurpose(p, a, q);
        uint256 amount = a.amount;
        if (p.singleUse && v.used) revert SingleUseSpent(a.voucherId);
        if (amount > v.remaining) revert InsufficientValue(a.voucherId, v.remaining, amount);
        if (p.dailyLimit > 0) {
            uint24 today = _localDay(p.utcOffsetMinutes);
            uint256 spentToday = v.day == today ? v.spentToday : 0;
            if (spentToday + amount > p.dailyLimit) {
                revert DailyLimitExceeded(a.voucherId, spentToday, amount, p.dailyLimit);
            }
            v.day = today;
            v.spentToday = uint64(spentToday + amount);
        }
        v.remaining -= uint64(amount);
        v.spent += uint64(amount);
        if (p.singleUse) v.used = true;
        emit VoucherSpent(a.voucherId, rh, q.merchant, amount, v.remaining);
    }

    function _checkPurpose(Purpose calldata p, Allocation calldata a, PaymentRequest calldata q) private view {
        bytes32 id = a.voucherId;
        if (block.timestamp < p.validFrom) revert VoucherNotYetValid(id, p.validFrom, block.timestamp);
        if (block.timestamp >= p.validUntil) revert VoucherExpired(id, p.validUntil, block.timestamp);
        if (p.categories.length > 0 || p.merchants.length > 0) {
            if (!_hasCategory(p.categories, q.category) && !_hasMerchant(p.merchants, q.merchant)) {
                revert MerchantNotAllowed(id, q.merchant, q.category);
            }
        }
        if (p.regions.length > 0 && !_regionAllowed(p.regions, q.region)) revert RegionNotAllowed(id, q.region);
        if (!(p.hoursStart == 0 && p.hoursEnd >= 1440)) {
            uint16 m = _localMinute(p.utcOffsetMinutes);
            bool inside = p.hoursStart <= p.hoursEnd
                ? (m >= p.hoursStart && m < p.hoursEnd)
                : (m >= p.hoursStart || m < p.hoursEnd);
            if (!inside) revert OutsideHours(id, m, p.hoursStart, p.hoursEnd);
        }
        if (a.amount < p.minPayment) revert BelowMinimum(id, a.amount, p.minPayment);
        if (p.maxPayment > 0 && a.amount > p.maxPayment) revert AboveMaximum(id, a.amount, p.maxPayment);
    }

    function _localSeconds(int16 offsetMinutes) private view returns (uint256) {
        return uint256(int256(block.timestamp) + int256(offsetMinutes) * 60);
    }

    function _localMinute(int16 offsetMinutes) private view returns (uint16) {
        return uint16((_localSeconds(offsetMinutes) % 86400) / 60);
    }

    function _localDay(int16 offsetMinutes) private view returns (uint24) {
        return uint24(_localSeconds(offsetMinutes) / 86400);
    }

    function _hasCategory(uint16[] calldata list, uint16 c) private pure returns (bool) {
        for (uint256 i = 0; i < list.length; i++) {
            if (list[i] == c) return true;
        }
        return false;
    }

    function _hasMerchant(address[] calldata list, address m) private pure returns (bool) {
        for (uint256 i = 0; i < list.length; i++) {
            if (list[i] == m) return true;
        }
        return false;
    }

    /// "KR" covers "KR-11"; "KR-11" covers only itself.
    function _regionAllowed(string[] calldata allowed, string calldata region) private pure returns (bool) {
        bytes calldata r = bytes(region);
        for (uint256 i = 0; i < allowed.length; i++) {
            bytes calldata a = bytes(allowed[i]);
            if (keccak256(a) == keccak256(r)) return true;
            if (_hasDash(a) || r.length <= a.length || r[a.length] != "-") continue;
            if (keccak256(a) == keccak256(r[:a.length])) return true;
        }
        return false;
    }

    function _hasDash(bytes calldata a) private pure returns (bool) {
        for (uint256 i = 0; i < a.length; i++) {
            if (a[i] == "-") return true;
        }
        return false;
    }
}
