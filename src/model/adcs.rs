//! Microsoft AD CS certificate template extensions: the template a
//! certificate was issued from is what an administrator asks for again
//! ("which template do I enroll?"), so `inspect` names it.
//!
//! - szOID_CERTIFICATE_TEMPLATE (1.3.6.1.4.1.311.21.7), version 2 templates:
//!   `SEQUENCE { templateID OBJECT IDENTIFIER, templateMajorVersion
//!   INTEGER, templateMinorVersion INTEGER OPTIONAL }`;
//! - szOID_ENROLL_CERTTYPE_EXTENSION (1.3.6.1.4.1.311.20.2), version 1
//!   templates: the template's name as a string (BMPString in practice:
//!   `IPSECIntermediateOffline`, `WebServer`, `User`).
//!
//! Both come from strangers: a value that does not parse leaves the field
//! empty and says so, it never fails the certificate.

use serde::Serialize;
use x509_parser::asn1_rs::{Any, BmpString, FromDer, Tag};
use x509_parser::der_parser::der::parse_der_sequence;

/// The AD CS template a certificate names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CertificateTemplate {
    /// From 1.3.6.1.4.1.311.20.2 (v1 templates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// From 1.3.6.1.4.1.311.21.7 (v2 and later templates): the template's
    /// OID, unique to the forest that defined it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub major_version: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minor_version: Option<u32>,
    /// A template extension whose value could not be read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl CertificateTemplate {
    /// `IPSECIntermediateOffline`, `1.3.6.1.4.1.311.21.8.1.2 v100.3`, or
    /// both.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = &self.name {
            parts.push(n.clone());
        }
        if let Some(oid) = &self.oid {
            let version = match (self.major_version, self.minor_version) {
                (Some(a), Some(b)) => format!(" v{a}.{b}"),
                (Some(a), None) => format!(" v{a}"),
                _ => String::new(),
            };
            parts.push(format!("template {oid}{version}"));
        }
        parts.extend(self.problems.iter().cloned());
        parts.join(", ")
    }
}

/// The content of a 1.3.6.1.4.1.311.21.7 extension.
pub fn parse_template_v2(value: &[u8]) -> Result<(String, u32, Option<u32>), String> {
    let (rest, seq) = parse_der_sequence(value)
        .map_err(|_| "not a DER SEQUENCE (templateID, majorVersion, minorVersion)".to_string())?;
    if !rest.is_empty() {
        return Err("trailing bytes after the SEQUENCE".into());
    }
    let items = seq
        .as_sequence()
        .map_err(|_| "not a SEQUENCE".to_string())?;
    let oid = items
        .first()
        .and_then(|o| o.as_oid().ok())
        .map(crate::oids::dotted)
        .ok_or("templateID is not an OBJECT IDENTIFIER")?;
    let major = items
        .get(1)
        .and_then(|v| v.as_u32().ok())
        .ok_or("templateMajorVersion is not a small INTEGER")?;
    let minor = match items.get(2) {
        Some(v) => Some(
            v.as_u32()
                .map_err(|_| "templateMinorVersion is not a small INTEGER".to_string())?,
        ),
        None => None,
    };
    if items.len() > 3 {
        return Err("more than three elements".into());
    }
    Ok((oid, major, minor))
}

/// The content of a 1.3.6.1.4.1.311.20.2 extension: the template name.
pub fn parse_template_name(value: &[u8]) -> Result<String, String> {
    let (rest, any) = Any::from_der(value).map_err(|_| "not a DER string".to_string())?;
    if !rest.is_empty() {
        return Err("trailing bytes after the name".into());
    }
    let text = match any.tag() {
        Tag::BmpString => BmpString::try_from(any)
            .map(|s| s.string())
            .map_err(|_| "BMPString is not valid UTF-16".to_string())?,
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            std::str::from_utf8(any.data)
                .map(str::to_string)
                .map_err(|_| "string is not valid text".to_string())?
        }
        other => return Err(format!("not a string (tag {})", other.0)),
    };
    // A name is shown to people: no control characters.
    Ok(text.chars().filter(|c| !c.is_control()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, content.len() as u8];
        v.extend_from_slice(content);
        v
    }

    #[test]
    fn v2_template_reads_and_hostile_values_do_not() {
        // 1.3.6.1.4.1.311.21.8.1.2, 100, 3
        let oid = [0x2b, 6, 1, 4, 1, 0x82, 0x37, 21, 8, 1, 2];
        let mut body = tlv(6, &oid);
        body.extend(tlv(2, &[100]));
        body.extend(tlv(2, &[3]));
        let der = tlv(0x30, &body);
        assert_eq!(
            parse_template_v2(&der),
            Ok(("1.3.6.1.4.1.311.21.8.1.2".into(), 100, Some(3)))
        );
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x00],
            &[0x30, 0x03, 0x02, 0x01, 0x01],
            &der[..5],
        ] {
            assert!(parse_template_v2(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn template_names_as_bmp_or_utf8() {
        let bmp: Vec<u8> = "User"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(parse_template_name(&tlv(0x1e, &bmp)), Ok("User".into()));
        assert_eq!(
            parse_template_name(&tlv(0x0c, b"WebServer")),
            Ok("WebServer".into())
        );
        assert!(parse_template_name(&tlv(0x1e, &[0xd8, 0x00])).is_err());
        assert!(parse_template_name(&tlv(0x04, b"x")).is_err());
        assert!(parse_template_name(&[0x1e, 0x05, 0x00]).is_err());
    }
}
