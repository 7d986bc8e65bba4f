//! Public sources the rules cite: RFC sections and vendor documents a user
//! can open. Each vendor document was found in the vendor's published
//! documentation; the rule text is ours, the title and address are theirs.
//! A rule cites the source that states the behaviour it models, not a
//! document the user does not have.

use super::Citation;

pub const RFC5280_KU: Citation = Citation::Rfc {
    number: 5280,
    section: "4.2.1.3",
};
pub const RFC5280_EKU: Citation = Citation::Rfc {
    number: 5280,
    section: "4.2.1.12",
};
pub const RFC5280_VALIDITY: Citation = Citation::Rfc {
    number: 5280,
    section: "4.1.2.5",
};
pub const RFC7296_CERT: Citation = Citation::Rfc {
    number: 7296,
    section: "3.6",
};
pub const RFC4945_KU: Citation = Citation::Rfc {
    number: 4945,
    section: "5.1.3.2",
};

/// IOS / IOS XE trustpoints: `crypto pki trustpoint`, `crypto pki
/// authenticate`, `crypto pki enroll`, `auto-enroll`; and its prerequisite
/// that the device runs NTP for enrolment and rollover to work.
pub const CISCO_ENROLL: Citation = Citation::Doc {
    title: "Cisco IOS XE Public Key Infrastructure Configuration Guide: Configuring Certificate Enrollment for a PKI",
    url: "https://www.cisco.com/c/en/us/td/docs/ios-xml/ios/sec_conn_pki/configuration/xe-16-9/sec-pki-xe-16-9-book/sec-cert-enroll-pki.html",
};

/// IOS revocation checking: `revocation-check crl | ocsp | none`, CRL
/// fetching and caching, certificate chain validation.
pub const CISCO_REVOCATION: Citation = Citation::Doc {
    title: "Cisco IOS Public Key Infrastructure Configuration Guide: Configuring Authorization and Revocation of Certificates in a PKI",
    url: "https://www.cisco.com/c/en/us/td/docs/ios-xml/ios/sec_conn_pki/configuration/15-mt/sec-pki-15-mt-book/sec-cfg-auth-rev-cert.html",
};

/// `match certificate MAP allow expired-certificate` and
/// `skip revocation-check` in a trustpoint.
pub const CISCO_CERT_ACL: Citation = Citation::Doc {
    title: "Cisco IOS: Using Certificate ACLs to Ignore Revocation Check and Expired Certificates",
    url: "https://www.cisco.com/en/US/docs/ios/12_3t/12_3t4/feature/guide/gt_ircec.html",
};

/// Certificate maps select a profile by certificate fields; with several
/// trustpoints for one CA the responder picks the last one defined.
pub const CISCO_CERT_PROFILE_MAP: Citation = Citation::Doc {
    title: "Cisco IOS XE: Certificate to ISAKMP Profile Mapping",
    url: "https://www.cisco.com/c/en/us/td/docs/ios-xml/ios/sec_conn_ikevpn/configuration/xe-2/sec-ike-for-ipsec-vpns-xe-2-book/sec-cert-isakmp-map.html",
};

/// FlexVPN server: IKEv2 profiles for remote access, EAP clients (the
/// server still authenticates with a certificate).
pub const CISCO_FLEXVPN_SERVER: Citation = Citation::Doc {
    title: "Cisco IOS XE 17 Security VPN Configuration Guide: Configuring the FlexVPN Server",
    url: "https://www.cisco.com/c/en/us/td/docs/routers/ios/config/17-x/sec-vpn/b-security-vpn/m_sec-cfg-flex-serv-0.html",
};

/// AnyConnect / Secure Client: how the client verifies the headend
/// certificate (name, Key Usage, Extended Key Usage).
pub const ANYCONNECT: Citation = Citation::Doc {
    title: "Cisco AnyConnect Secure Mobility Client Administrator Guide, Release 4.6: Configure VPN Access",
    url: "https://www.cisco.com/c/en/us/td/docs/security/vpn_client/anyconnect/anyconnect46/administration/guide/b_AnyConnect_Administrator_Guide_4-6/configure-vpn.html",
};

/// What the Windows IKEv2 client requires of a gateway certificate:
/// serverAuth (and IP security IKE intermediate), the host name in the
/// SAN, an IP address as a dNSName SAN.
pub const STRONGSWAN_WINDOWS: Citation = Citation::Doc {
    title: "strongSwan documentation: Windows Certificate Requirements",
    url: "https://docs.strongswan.org/docs/5.9/interop/windowsCertRequirements.html",
};

/// The AD CS side of the Windows requirements: the VPN server template
/// with Server Authentication and IP security IKE intermediate.
pub const AOVPN_IKEV2_CERTS: Citation = Citation::Doc {
    title: "Richard M. Hicks: Always On VPN Certificate Requirements for IKEv2",
    url: "https://directaccess.richardhicks.com/2018/04/30/always-on-vpn-certificate-requirements-for-ikev2/",
};

/// strongSwan's peer configuration: `remote.id`, `cacerts`,
/// `revocation = strict | ifuri | relaxed`, `send_cert`.
pub const STRONGSWAN_SWANCTL: Citation = Citation::Doc {
    title: "strongSwan swanctl.conf(5) manual page",
    url: "https://manpages.ubuntu.com/manpages/lunar/man5/swanctl.conf.5.html",
};
