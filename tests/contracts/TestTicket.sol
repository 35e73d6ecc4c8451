// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title Concert tickets for the tests: OpenZeppelin's ERC-721.
contract TestTicket is ERC721 {
    address private immutable issuer;

    constructor() ERC721("Test Ticket", "TIX") {
        issuer = msg.sender;
    }

    /// @notice Mint ticket `id` to `to`; only the deployer may (reverts with a reason string).
    /// @param to The first holder.
    /// @param id The ticket's token id.
    function mint(address to, uint256 id) external {
        require(msg.sender == issuer, "only the issuer mints tickets");
        _safeMint(to, id);
    }
}
