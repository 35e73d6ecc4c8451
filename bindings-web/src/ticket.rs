//! Tickets for the web: holder, gate and test issuer, as JS values in and out.
