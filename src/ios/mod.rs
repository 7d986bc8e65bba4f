//! Cisco IOS / IOS-XE / ASA configuration: the PKI and IKEv2 sections of a
//! running-config, certificate maps, and which IKEv2 profile a peer would hit.

pub mod certmap;
pub mod config;
pub mod select;
