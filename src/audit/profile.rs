//! Profiles: which peer is going to judge the certificate, and so which
//! rules apply to it.

use serde::Serialize;

/// The peer whose acceptance is being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Any IKEv2 peer (RFC 4945 §5.1.3.2, IOS validation logic).
    Ikev2,
    /// Strict RFC 4945: as ikev2, and an EKU without ipsecIKE is rejected.
    Rfc4945,
    /// A headend certificate as the AnyConnect / Secure Client checks it.
    AnyConnectServer,
    /// A FlexVPN headend for Windows clients: EKU must include serverAuth.
    FlexVpnServer,
    /// A FlexVPN client certificate: EKU must include clientAuth.
    FlexVpnClient,
    /// An EAP headend, which authenticates with a certificate: serverAuth.
    EapServer,
    /// A headend certificate as the iOS / macOS native IKEv2 client checks
    /// it: serverAuth, and the server identity in a SAN.
    AppleClient,
    /// A client certificate for AnyConnect / Secure Client, as the ASA or
    /// FTD headend checks it: clientAuth (when EKU is present) and a key
    /// that may sign.
    AnyConnectClient,
}

impl Profile {
    pub const ALL: [Profile; 8] = [
        Profile::Ikev2,
        Profile::Rfc4945,
        Profile::AnyConnectServer,
        Profile::FlexVpnServer,
        Profile::FlexVpnClient,
        Profile::EapServer,
        Profile::AppleClient,
        Profile::AnyConnectClient,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Profile::Ikev2 => "ikev2",
            Profile::Rfc4945 => "rfc4945",
            Profile::AnyConnectServer => "anyconnect-server",
            Profile::FlexVpnServer => "flexvpn-server",
            Profile::FlexVpnClient => "flexvpn-client",
            Profile::EapServer => "eap-server",
            Profile::AppleClient => "apple-client",
            Profile::AnyConnectClient => "anyconnect-client",
        }
    }

    /// Profiles whose clients verify the headend's name against the host
    /// they connected to, so `--host` means something.
    pub fn verifies_host_name(self) -> bool {
        matches!(
            self,
            Profile::AnyConnectServer
                | Profile::FlexVpnServer
                | Profile::EapServer
                | Profile::AppleClient
        )
    }

    /// Profiles about a client's own certificate (the headend judges it).
    pub fn is_client(self) -> bool {
        matches!(self, Profile::FlexVpnClient | Profile::AnyConnectClient)
    }

    /// Profiles whose clients are Windows' built-in IKEv2 client, which
    /// matches an address only against a DNS-type SAN entry.
    pub fn windows_clients(self) -> bool {
        matches!(self, Profile::FlexVpnServer | Profile::EapServer)
    }

    /// One line for `--help` and `pkiaudit rules`.
    pub fn description(self) -> &'static str {
        match self {
            Profile::Ikev2 => "any IKEv2 peer: RFC 4945 §5.1.3.2 Key Usage logic as IOS applies it",
            Profile::Rfc4945 => "strict RFC 4945: as ikev2, and an EKU without ipsecIKE/anyExtendedKeyUsage is rejected",
            Profile::AnyConnectServer => "headend certificate checked by AnyConnect / Secure Client (KU, EKU and name rules)",
            Profile::FlexVpnServer => "FlexVPN headend for Windows clients: EKU must include serverAuth",
            Profile::FlexVpnClient => "FlexVPN client certificate: EKU must include clientAuth",
            Profile::EapServer => "EAP headend authenticating with a certificate: EKU must include serverAuth",
            Profile::AppleClient => "headend for the iOS/macOS native IKEv2 client: serverAuth EKU, server identity in a SAN",
            Profile::AnyConnectClient => "client certificate for AnyConnect / Secure Client: clientAuth if EKU present, digitalSignature if KU present",
        }
    }
}

impl Serialize for Profile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
