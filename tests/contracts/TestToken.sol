// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title A deposit token for the tests: OpenZeppelin's ERC-20, whole units like the won.
/// @notice The deployer receives the whole supply.
contract TestToken is ERC20 {
    /// @param supply Tokens minted to the deployer.
    constructor(uint256 supply) ERC20("Test Won", "KRWT") {
        _mint(msg.sender, supply);
    }

    /// @notice Whole units: 1 KRWT is 1 won.
    function decimals() public pure override returns (uint8) {
        return 0;
    }
}
