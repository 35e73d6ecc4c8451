// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ERC-5192: minimal soulbound tokens (interface id 0xb45a3c0e)
interface IERC5192 {
    /// @notice The token can no longer be transferred.
    event Locked(uint256 tokenId);
    /// @notice The token can be transferred again.
    event Unlocked(uint256 tokenId);

    /// @notice Whether the token is locked to its owner.
    /// @param tokenId The token.
    function locked(uint256 tokenId) external view returns (bool);
}

/// @title ERC-7439: prevent ticket touting (interface id 0x15fbb306)
interface IERC7439 {
    /// @notice A ticket's state: valid (`Sold`, `Resell`) or not (`Void`, `Redeemed`).
    enum TokenStatus {
        Sold,
        Resell,
        Void,
        Redeemed
    }

    /// @notice The ticket's status changed.
    event TokenStatusChanged(uint256 indexed tokenId, TokenStatus indexed tokenStatus, bytes signature);

    /// @notice Mint a ticket to `to`, proved by `signature`.
    /// @param to The holder.
    /// @param signature What proves the ticket (its format is the implementation's).
    function safeMint(address to, bytes memory signature) external;

    /// @notice Change a ticket's status (a specific role only).
    /// @param tokenId The ticket.
    /// @param signature Data recorded with the change.
    /// @param tokenStatus The new status.
    /// @param newExpireTime The new event due time.
    function changeState(uint256 tokenId, bytes memory signature, TokenStatus tokenStatus, uint256 newExpireTime)
        external;
}
