// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC5192, IERC7439} from "./TicketStandards.sol";

/// @title Event tickets as ERC-721 tokens (jigap tickets, version 1)
/// @notice Minted from the issuer-signed `TicketGrant` a jigap wallet already holds (EIP-712
/// domain `("jigap tickets", "1", chainid, address(this))`). A non-transferable ticket is
/// ERC-5192 locked; a transferable one moves only through `buyResale`, at most at its price
/// cap, paid in an ERC-20, at most `maxTransfers` times. Plain `transferFrom` is closed for
/// every ticket. ERC-7439 states: `Sold`, `Resell` (listed), `Void` (the issuer cancelled it),
/// `Redeemed` (an authorised gate checked it in; it never moves again).
contract TicketToken is ERC721, EIP712, Ownable, IERC5192, IERC7439 {
    using SafeERC20 for IERC20;

    /// @notice The event (EIP-712 `Event`).
    struct EventInfo {
        string id;
        string name;
        string venue;
        uint64 doorsOpen;
        uint64 start;
        uint64 end;
    }

    /// @notice The seat (EIP-712 `Seat`).
    struct Seat {
        bool generalAdmission;
        string section;
        string row;
        string number;
    }

    /// @notice Whether and how the ticket may change hands (EIP-712 `TransferPolicy`).
    struct TransferPolicy {
        bool transferable;
        string currency;
        uint64 priceCap;
        uint8 maxTransfers;
    }

    /// @notice The issuer's grant (EIP-712 `TicketGrant`).
    struct TicketGrant {
        address token;
        uint256 tokenId;
        uint256 chainId;
        address holder;
        bytes32 passKey;
        EventInfo eventInfo;
        Seat seat;
        string tier;
        TransferPolicy transferPolicy;
        uint8 transfers;
        uint64 issuedAt;
    }

    /// @notice A ticket's on-chain state. `passKey` is the holder's Ed25519 pass key (gates
    /// compare it with the pass); `price` is the listing price while `Resell`.
    struct Ticket {
        bytes32 grantHash;
        bytes32 passKey;
        uint64 priceCap;
        uint64 price;
        uint64 expireTime;
        uint8 transfers;
        uint8 maxTransfers;
        bool transferable;
        TokenStatus status;
    }

    bytes32 private constant EVENT_TYPEHASH =
        keccak256("Event(string id,string name,string venue,uint64 doorsOpen,uint64 start,uint64 end)");
    bytes32 private constant SEAT_TYPEHASH =
        keccak256("Seat(bool generalAdmission,string section,string row,string number)");
    bytes32 private constant POLICY_TYPEHASH =
        keccak256("TransferPolicy(bool transferable,string currency,uint64 priceCap,uint8 maxTransfers)");
    bytes32 private constant GRANT_TYPEHASH = keccak256(
        "TicketGrant(address token,uint256 tokenId,uint256 chainId,address holder,bytes32 passKey,Event eventInfo,Seat seat,string tier,TransferPolicy transferPolicy,uint8 transfers,uint64 issuedAt)Event(string id,string name,string venue,uint64 doorsOpen,uint64 start,uint64 end)Seat(bool generalAdmission,string section,string row,string number)TransferPolicy(bool transferable,string currency,uint64 priceCap,uint8 maxTransfers)"
    );

    /// @notice The ERC-20 resales are paid in.
    IERC20 public immutable paymentToken;
    /// @notice Token base units per minor unit of `currency`.
    uint256 public immutable scale;
    /// @notice The currency of price caps and resale prices (e.g. `KRW`).
    string public currency;
    bytes32 private immutable currencyHash;

    /// @notice Accounts whose grants may be minted (and which authorise gates and void tickets).
    mapping(address => bool) public issuers;
    /// @notice Gate accounts allowed to check tickets in.
    mapping(address => bool) public gates;
    /// @notice Tickets by token id.
    mapping(uint256 => Ticket) public tickets;
    bool private _reselling;

    /// @notice An account may (or may no longer) issue.
    event IssuerSet(address indexed issuer, bool allowed);
    /// @notice A gate account was authorised or removed.
    event GateSet(address indexed gate, bool allowed);
    /// @notice The holder listed the ticket for resale at `price`.
    event ResaleListed(uint256 indexed tokenId, address indexed seller, uint64 price);
    /// @notice The ticket was resold through the contract.
    event Resold(
        uint256 indexed tokenId, address indexed seller, address indexed buyer, uint64 price, uint8 transfers, bytes32 passKey
    );
    /// @notice A gate checked the ticket in.
    event CheckedIn(uint256 indexed tokenId, address indexed gate, address indexed holder);

    error NotIssuer(address account);
    error NotGate(address account);
    error NotTicketOwner(uint256 tokenId, address account);
    error WrongContract(address token, uint256 chainId);
    error BadIssuerSignature(uint256 tokenId);
    error WrongCurrency(string currency);
    error BadPolicy(uint256 tokenId);
    error TicketLocked(uint256 tokenId);
    error TransferOnlyByResale(uint256 tokenId);
    error PriceAboveCap(uint256 tokenId, uint64 price, uint64 cap);
    error TooManyTransfers(uint256 tokenId, uint8 maxTransfers);
    error NotForSale(uint256 tokenId);
    error WrongStatus(uint256 tokenId, TokenStatus status);
    error OwnPurchase(uint256 tokenId);

    /// @param name_ ERC-721 name.
    /// @param symbol_ ERC-721 symbol.
    /// @param payment The ERC-20 resales are paid in.
    /// @param currencyCode The currency of price caps (e.g. `KRW`).
    /// @param unitScale Token base units per minor unit (at least 1).
    /// @dev The deployer owns the contract and is its first issuer.
    constructor(string memory name_, string memory symbol_, IERC20 payment, string memory currencyCode, uint256 unitScale)
        ERC721(name_, symbol_)
        EIP712("jigap tickets", "1")
        Ownable(msg.sender)
    {
        if (unitScale == 0) revert BadPolicy(0);
        paymentToken = payment;
        scale = unitScale;
        currency = currencyCode;
        currencyHash = keccak256(bytes(currencyCode));
        issuers[msg.sender] = true;
        emit IssuerSet(msg.sender, true);
    }

    modifier onlyIssuer() {
        if (!issuers[msg.sender]) revert NotIssuer(msg.sender);
        _;
    }

    /// @notice Allow or stop an account issuing tickets.
    /// @param issuer The account.
    /// @param allowed Whether its grants may be minted.
    function setIssuer(address issuer, bool allowed) external onlyOwner {
        issuers[issuer] = allowed;
        emit IssuerSet(issuer, allowed);
    }

    /// @notice Authorise (or remove) a gate account.
    /// @param gate The gate device's account.
    /// @param allowed Whether it may check tickets in.
    function setGate(address gate, bool allowed) external onlyIssuer {
        gates[gate] = allowed;
        emit GateSet(gate, allowed);
    }

    /// @notice Mint the ticket of an issuer-signed grant to its holder. Anyone may submit it.
    /// @param grant The grant as the holder's wallet holds it.
    /// @param signature The issuer's EIP-712 signature over it.
    function mint(TicketGrant calldata grant, bytes calldata signature) external {
        _mintGrant(grant, signature);
    }

    /// @notice Mint several grants at once.
    /// @param grants The grants.
    /// @param signatures The issuer's signature of each, in the same order.
    function mintBatch(TicketGrant[] calldata grants, bytes[] calldata signatures) external {
        if (grants.length != signatures.length) revert BadPolicy(0);
        for (uint256 i = 0; i < grants.length; i++) {
            _mintGrant(grants[i], signatures[i]);
        }
    }

    /// @notice ERC-7439 mint: `signature` is `abi.encode(grant, issuerSignature)` and `to` its holder.
    /// @param to The holder named in the grant.
    /// @param signature The encoded grant and issuer signature.
    function safeMint(address to, bytes memory signature) external {
        (TicketGrant memory grant, bytes memory sig) = abi.decode(signature, (TicketGrant, bytes));
        if (grant.holder != to) revert NotTicketOwner(grant.tokenId, to);
        _mintGrant(grant, sig);
    }

    /// @notice ERC-7439: the issuer sets a ticket's status (e.g. `Void` for a cancelled sale).
    /// @param tokenId The ticket.
    /// @param signature Data recorded with the change (may be empty).
    /// @param tokenStatus The new status.
    /// @param newExpireTime The new event end (Unix seconds).
    function changeState(uint256 tokenId, bytes memory signature, TokenStatus tokenStatus, uint256 newExpireTime)
        external
        onlyIssuer
    {
        _requireOwned(tokenId);
        Ticket storage t = tickets[tokenId];
        bool wasLocked = _locked(t);
        t.status = tokenStatus;
        t.expireTime = uint64(newExpireTime);
        if (tokenStatus != TokenStatus.Resell) t.price = 0;
        _lockEvent(tokenId, wasLocked, _locked(t));
        emit TokenStatusChanged(tokenId, tokenStatus, signature);
    }

    /// @notice List your ticket for resale at `price` (at most its cap).
    /// @param tokenId The ticket.
    /// @param price Minor units of `currency`.
    function listForResale(uint256 tokenId, uint64 price) external {
        Ticket storage t = _ownTicket(tokenId);
        if (!t.transferable) revert TicketLocked(tokenId);
        if (t.status != TokenStatus.Sold && t.status != TokenStatus.Resell) revert WrongStatus(tokenId, t.status);
        if (price > t.priceCap) revert PriceAboveCap(tokenId, price, t.priceCap);
        if (t.transfers >= t.maxTransfers) revert TooManyTransfers(tokenId, t.maxTransfers);
        t.price = price;
        t.status = TokenStatus.Resell;
        emit ResaleListed(tokenId, msg.sender, price);
        emit TokenStatusChanged(tokenId, TokenStatus.Resell, "");
    }

    /// @notice Take your ticket off the resale market.
    /// @param tokenId The ticket.
    function cancelResale(uint256 tokenId) external {
        Ticket storage t = _ownTicket(tokenId);
        if (t.status != TokenStatus.Resell) revert NotForSale(tokenId);
        t.price = 0;
        t.status = TokenStatus.Sold;
        emit TokenStatusChanged(tokenId, TokenStatus.Sold, "");
    }

    /// @notice Buy a listed ticket: the price moves from you to the seller in `paymentToken`
    /// (approve `price * scale` first) and the ticket to you, bound to your pass key.
    /// @param tokenId The ticket.
    /// @param passKey Your Ed25519 pass key (what your passes will be signed with).
    function buyResale(uint256 tokenId, bytes32 passKey) external {
        address seller = _requireOwned(tokenId);
        Ticket storage t = tickets[tokenId];
        if (t.status != TokenStatus.Resell) revert NotForSale(tokenId);
        if (seller == msg.sender) revert OwnPurchase(tokenId);
        if (t.transfers >= t.maxTransfers) revert TooManyTransfers(tokenId, t.maxTransfers);
        uint64 price = t.price;
        if (price > t.priceCap) revert PriceAboveCap(tokenId, price, t.priceCap);
        t.transfers += 1;
        t.passKey = passKey;
        t.price = 0;
        t.status = TokenStatus.Sold;
        _reselling = true;
        _transfer(seller, msg.sender, tokenId);
        _reselling = false;
        emit Resold(tokenId, seller, msg.sender, price, t.transfers, passKey);
        emit TokenStatusChanged(tokenId, TokenStatus.Sold, "");
        if (price > 0) paymentToken.safeTransferFrom(msg.sender, seller, uint256(price) * scale);
    }

    /// @notice A gate checks tickets in (after doors, in a batch): each becomes `Redeemed` and
    /// never moves again.
    /// @param tokenIds The tickets.
    function checkIn(uint256[] calldata tokenIds) external {
        if (!gates[msg.sender]) revert NotGate(msg.sender);
        for (uint256 i = 0; i < tokenIds.length; i++) {
            uint256 id = tokenIds[i];
            address holder = _requireOwned(id);
            Ticket storage t = tickets[id];
            if (t.status != TokenStatus.Sold && t.status != TokenStatus.Resell) revert WrongStatus(id, t.status);
            bool wasLocked = _locked(t);
            t.status = TokenStatus.Redeemed;
            t.price = 0;
            _lockEvent(id, wasLocked, true);
            emit CheckedIn(id, msg.sender, holder);
            emit TokenStatusChanged(id, TokenStatus.Redeemed, "");
        }
    }

    /// @notice ERC-5192: whether the ticket can never be moved (non-transferable, void or
    /// checked in).
    /// @param tokenId The ticket.
    function locked(uint256 tokenId) external view returns (bool) {
        _requireOwned(tokenId);
        return _locked(tickets[tokenId]);
    }

    /// @notice The `hashStruct(TicketGrant)` a ticket was minted from.
    /// @param g The grant.
    function hashGrant(TicketGrant memory g) public pure returns (bytes32) {
        return keccak256(
            abi.encode(
                GRANT_TYPEHASH,
                g.token,
                g.tokenId,
                g.chainId,
                g.holder,
                g.passKey,
                _hashEvent(g.eventInfo),
                _hashSeat(g.seat),
                keccak256(bytes(g.tier)),
                _hashPolicy(g.transferPolicy),
                g.transfers,
                g.issuedAt
            )
        );
    }

    /// @notice The EIP-712 digest an issuer signs for `g` under this contract's domain.
    /// @param g The grant.
    function grantDigest(TicketGrant memory g) public view returns (bytes32) {
        return _hashTypedDataV4(hashGrant(g));
    }

    /// @inheritdoc ERC721
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IERC5192).interfaceId || interfaceId == type(IERC7439).interfaceId
            || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internals

    function _mintGrant(TicketGrant memory g, bytes memory signature) private {
        if (g.token != address(this) || g.chainId != block.chainid) revert WrongContract(g.token, g.chainId);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(grantDigest(g), signature);
        if (err != ECDSA.RecoverError.NoError || !issuers[signer]) revert BadIssuerSignature(g.tokenId);
        TransferPolicy memory p = g.transferPolicy;
        if (p.transferable) {
            if (keccak256(bytes(p.currency)) != currencyHash) revert WrongCurrency(p.currency);
            if (p.maxTransfers == 0) revert BadPolicy(g.tokenId);
        }
        if (g.transfers > p.maxTransfers) revert BadPolicy(g.tokenId);
        tickets[g.tokenId] = Ticket(
            hashGrant(g),
            g.passKey,
            p.priceCap,
            0,
            g.eventInfo.end,
            g.transfers,
            p.maxTransfers,
            p.transferable,
            TokenStatus.Sold
        );
        _mint(g.holder, g.tokenId);
        emit TokenStatusChanged(g.tokenId, TokenStatus.Sold, signature);
        if (!p.transferable) emit Locked(g.tokenId);
    }

    function _ownTicket(uint256 tokenId) private view returns (Ticket storage) {
        if (_requireOwned(tokenId) != msg.sender) revert NotTicketOwner(tokenId, msg.sender);
        return tickets[tokenId];
    }

    function _locked(Ticket storage t) private view returns (bool) {
        return !t.transferable || t.status == TokenStatus.Void || t.status == TokenStatus.Redeemed;
    }

    function _lockEvent(uint256 tokenId, bool was, bool now_) private {
        if (!was && now_) emit Locked(tokenId);
        if (was && !now_) emit Unlocked(tokenId);
    }

    /// Every move of an existing ticket goes through `buyResale`.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        address from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0) && !_reselling) {
            if (_locked(tickets[tokenId])) revert TicketLocked(tokenId);
            revert TransferOnlyByResale(tokenId);
        }
        return super._update(to, tokenId, auth);
    }

    function _hashEvent(EventInfo memory e) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                EVENT_TYPEHASH,
                keccak256(bytes(e.id)),
                keccak256(bytes(e.name)),
                keccak256(bytes(e.venue)),
                e.doorsOpen,
                e.start,
                e.end
            )
        );
    }

    function _hashSeat(Seat memory s) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                SEAT_TYPEHASH,
                s.generalAdmission,
                keccak256(bytes(s.section)),
                keccak256(bytes(s.row)),
                keccak256(bytes(s.number))
            )
        );
    }

    function _hashPolicy(TransferPolicy memory p) private pure returns (bytes32) {
        return keccak256(
            abi.encode(POLICY_TYPEHASH, p.transferable, keccak256(bytes(p.currency)), p.priceCap, p.maxTransfers)
        );
    }
}
