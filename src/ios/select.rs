//! Which IKEv2 profile a peer certificate selects, and which profiles can
//! both match one certificate.
//!
//! IOS picks the responder's IKEv2 profile from the profiles' `match`
//! statements (IOS Security Command Reference, `match (IKEv2 profile)`):
//! statements of the same type are ORed, statements of different types are
//! ANDed, and `match identity` and `match certificate` count as one type
//! (ORed with each other). A profile with neither is incomplete and never
//! selected. `match fvrf` and `match address local` are the other types:
//! they depend on where the packet arrived, not on the certificate, so they
//! are reported as conditions. Without `match fvrf` a profile only matches
//! the global routing table; `match fvrf any` matches every VRF.
//!
//! Only `match certificate` can be decided from a certificate: `match
//! identity remote ...` compares the IKE identity the peer sends (IDi),
//! which the certificate does not fix, except `match identity remote any`,
//! which matches every peer.

use std::collections::{BTreeMap, HashMap};

use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use super::certmap::{self, MapMatch};
use super::config::{CertificateMapEntry, Ikev2Profile, IosConfig};
use crate::model::Certificate;

/// A profile that the certificate selects.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileCandidate<'a> {
    #[serde(serialize_with = "profile_ref")]
    pub profile: &'a Ikev2Profile,
    /// The statement that matched: `match certificate SPOKES (seq 10)` or
    /// `match identity remote any`.
    pub matched_by: String,
    /// ANDed conditions the certificate cannot decide
    /// (`match address local 10.0.0.1`, `match fvrf RED`).
    pub conditions: Vec<String>,
}

/// The verdict on every IKEv2 profile for one peer certificate.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Selection<'a> {
    /// Profiles the certificate matches, in configuration order.
    pub matching: Vec<ProfileCandidate<'a>>,
    /// Profiles it does not match, and why.
    #[serde(serialize_with = "profile_reasons")]
    pub not_matching: Vec<(&'a Ikev2Profile, String)>,
    /// Profiles whose match depends on something other than the
    /// certificate (the IKE identity the peer sends), and what.
    #[serde(serialize_with = "profile_reasons")]
    pub undecidable: Vec<(&'a Ikev2Profile, String)>,
}

impl Selection<'_> {
    /// More than one profile matches: which one IOS uses is not something
    /// the configuration controls (field guide, "Trustpoint Selection
    /// Strategy").
    pub fn is_ambiguous(&self) -> bool {
        self.matching.len() > 1
    }
}

/// Two profiles that can both match one peer certificate.
#[derive(Debug, Clone, Serialize)]
pub struct Overlap<'a> {
    /// The profile defined first.
    #[serde(serialize_with = "profile_ref")]
    pub a: &'a Ikev2Profile,
    #[serde(serialize_with = "profile_ref")]
    pub b: &'a Ikev2Profile,
    /// Pairs of map entries (one from each profile's maps) that may both
    /// match one certificate; empty when the overlap comes from
    /// `match identity remote any`. At most [`MAX_LISTED_PAIRS`] are listed.
    #[serde(serialize_with = "entry_pairs")]
    pub entries: Vec<(&'a CertificateMapEntry, &'a CertificateMapEntry)>,
    /// Why they overlap, in words.
    pub reason: String,
}

/// Most entry pairs listed in one [`Overlap`].
pub const MAX_LISTED_PAIRS: usize = 16;

/// Most entry pairs compared for one pair of profiles; past this the
/// profiles are reported as overlapping (the conservative answer).
pub const MAX_COMPARED_PAIRS: usize = 10_000;

fn profile_ref<S: Serializer>(p: &&Ikev2Profile, s: S) -> Result<S::Ok, S::Error> {
    let mut st = s.serialize_struct("ProfileRef", 2)?;
    st.serialize_field("name", &p.name)?;
    st.serialize_field("line", &p.line)?;
    st.end()
}

fn profile_reasons<S: Serializer>(
    list: &[(&Ikev2Profile, String)],
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Item<'a> {
        profile: &'a str,
        line: usize,
        reason: &'a str,
    }
    let mut seq = s.serialize_seq(Some(list.len()))?;
    for (p, reason) in list {
        seq.serialize_element(&Item {
            profile: &p.name,
            line: p.line,
            reason,
        })?;
    }
    seq.end()
}

fn entry_pairs<S: Serializer>(
    list: &[(&CertificateMapEntry, &CertificateMapEntry)],
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Side<'a> {
        map: &'a str,
        seq: u32,
        line: usize,
    }
    let mut seq = s.serialize_seq(Some(list.len()))?;
    for (a, b) in list {
        seq.serialize_element(&[
            Side {
                map: &a.label,
                seq: a.seq,
                line: a.line,
            },
            Side {
                map: &b.label,
                seq: b.seq,
                line: b.line,
            },
        ])?;
    }
    seq.end()
}

/// The entries of every map, by label, in ascending sequence order.
fn map_index(cfg: &IosConfig) -> HashMap<&str, Vec<&CertificateMapEntry>> {
    let mut index: HashMap<&str, Vec<&CertificateMapEntry>> = HashMap::new();
    for e in &cfg.certificate_maps {
        index.entry(e.label.as_str()).or_default().push(e);
    }
    for entries in index.values_mut() {
        entries.sort_by_key(|e| e.seq);
    }
    index
}

/// `match identity remote any`: every peer.
fn is_identity_any(text: &str) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    words == ["remote", "any"]
}

/// The profile's ANDed, non-certificate conditions, as printed.
fn conditions(profile: &Ikev2Profile) -> Vec<String> {
    profile
        .other_matches
        .iter()
        .filter(|(m, _)| {
            let w: Vec<String> = m.split_whitespace().map(str::to_ascii_lowercase).collect();
            w != ["fvrf", "any"]
        })
        .map(|(m, line)| format!("match {m} (line {line}) must hold too"))
        .collect()
}

/// Which IKEv2 profiles `cert` would select, and why the others would not.
pub fn select<'a>(cfg: &'a IosConfig, cert: &Certificate) -> Selection<'a> {
    let index = map_index(cfg);
    // Each map is evaluated once, however many statements name it.
    let mut evaluated: HashMap<&str, MapMatch<'a>> = HashMap::new();
    let mut sel = Selection::default();
    for profile in &cfg.ikev2_profiles {
        if profile.match_certificate.is_empty() && profile.match_identity.is_empty() {
            sel.not_matching.push((
                profile,
                "no `match certificate` or `match identity` statement: IOS treats the profile \
                 as incomplete and never selects it"
                    .to_string(),
            ));
            continue;
        }
        let mut failures = Vec::new();
        let mut matched_by = None;
        for (map, line) in &profile.match_certificate {
            let m = evaluated.entry(map.as_str()).or_insert_with(|| {
                let entries = index.get(map.as_str()).cloned().unwrap_or_default();
                certmap::entries_match(map, entries, cert)
            });
            match &*m {
                MapMatch::Matched { entry, .. } => {
                    matched_by = Some(format!(
                        "match certificate {map} (seq {}, line {line})",
                        entry.seq
                    ));
                    break;
                }
                _ => failures.push(format!(
                    "match certificate {map} (line {line}): {}",
                    m.explain()
                )),
            }
        }
        if matched_by.is_none() {
            if let Some((text, line)) = profile
                .match_identity
                .iter()
                .find(|(text, _)| is_identity_any(text))
            {
                matched_by = Some(format!("match identity {text} (line {line})"));
            }
        }
        match matched_by {
            Some(matched_by) => sel.matching.push(ProfileCandidate {
                profile,
                matched_by,
                conditions: conditions(profile),
            }),
            None if !profile.match_identity.is_empty() => {
                let ids: Vec<String> = profile
                    .match_identity
                    .iter()
                    .map(|(t, line)| format!("match identity {t} (line {line})"))
                    .collect();
                let mut why = format!(
                    "depends on the IKE identity the peer sends, not on its certificate: {}",
                    ids.join(", ")
                );
                if !failures.is_empty() {
                    why.push_str(&format!(
                        "; no certificate map matched: {}",
                        failures.join("; ")
                    ));
                }
                sel.undecidable.push((profile, why));
            }
            None => sel.not_matching.push((profile, failures.join("; "))),
        }
    }
    sel
}

/// Do the ANDed `match fvrf` / `match address local` statements keep two
/// profiles apart (no connection can satisfy both)? `Some(reason)` if so.
fn separated(a: &Ikev2Profile, b: &Ikev2Profile) -> Option<String> {
    let values = |p: &Ikev2Profile, kind: &str| -> Vec<String> {
        p.other_matches
            .iter()
            .filter_map(|(m, _)| {
                let lower = m.to_ascii_lowercase();
                lower
                    .strip_prefix(kind)
                    .map(|rest| rest.split_whitespace().collect::<Vec<_>>().join(" "))
            })
            .collect()
    };
    // fvrf: none configured = the global table only.
    let fvrf = |p: &Ikev2Profile| {
        let v = values(p, "fvrf ");
        if v.is_empty() {
            vec!["(global)".to_string()]
        } else {
            v
        }
    };
    let (fa, fb) = (fvrf(a), fvrf(b));
    let any = |v: &[String]| v.iter().any(|x| x == "any");
    if !any(&fa) && !any(&fb) && !fa.iter().any(|x| fb.contains(x)) {
        return Some(format!(
            "front-door VRFs differ ({} vs {})",
            fa.join(", "),
            fb.join(", ")
        ));
    }
    // address local: comparable only when both give plain addresses.
    let (la, lb) = (values(a, "address local "), values(b, "address local "));
    let plain = |v: &[String]| {
        !v.is_empty()
            && v.iter().all(|x| {
                x.split_whitespace()
                    .next()
                    .is_some_and(|w| w.parse::<std::net::IpAddr>().is_ok())
            })
    };
    if plain(&la) && plain(&lb) && !la.iter().any(|x| lb.contains(x)) {
        return Some(format!(
            "local addresses differ ({} vs {})",
            la.join(", "),
            lb.join(", ")
        ));
    }
    None
}

/// Most profile pairs [`overlap_analysis`] looks at (about 700 profiles).
pub const MAX_PROFILE_PAIRS: usize = 250_000;

/// Most [`certmap::disjoint`] calls one [`overlap_analysis`] makes in all.
pub const MAX_TOTAL_COMPARED: usize = 1_000_000;

/// The result of [`overlap_analysis`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct OverlapAnalysis<'a> {
    pub overlaps: Vec<Overlap<'a>>,
    /// Set when the configuration was too large to compare in full: what
    /// was left out.
    pub incomplete: Option<String>,
}

/// Pairs of IKEv2 profiles that can both match one peer certificate (see
/// [`overlap_analysis`]).
pub fn overlapping_profiles(cfg: &IosConfig) -> Vec<Overlap<'_>> {
    overlap_analysis(cfg).overlaps
}

/// Pairs of IKEv2 profiles that can both match one peer certificate: a
/// `match certificate` map of each has entries that [`certmap::disjoint`]
/// cannot tell apart, or one of them has `match identity remote any`.
/// Profiles kept apart by their `match fvrf` / `match address local`
/// statements, and incomplete profiles, are left out. Identity statements
/// other than `remote any` are not compared (they are about the IKE ID).
/// Work is bounded ([`MAX_COMPARED_PAIRS`] per profile pair,
/// [`MAX_TOTAL_COMPARED`] and [`MAX_PROFILE_PAIRS`] in all); past a bound,
/// pairs still to compare are reported as overlapping (the conservative
/// answer) or, past the profile-pair bound, `incomplete` says so.
pub fn overlap_analysis(cfg: &IosConfig) -> OverlapAnalysis<'_> {
    let index = map_index(cfg);
    let complete: Vec<&Ikev2Profile> = cfg
        .ikev2_profiles
        .iter()
        .filter(|p| !p.match_certificate.is_empty() || !p.match_identity.is_empty())
        .collect();
    // Each profile's map entries, each map once.
    let entries: Vec<Vec<&CertificateMapEntry>> = complete
        .iter()
        .map(|p| {
            let maps: BTreeMap<&str, ()> = p
                .match_certificate
                .iter()
                .map(|(m, _)| (m.as_str(), ()))
                .collect();
            maps.keys()
                .flat_map(|m| index.get(m).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    let any_line = |p: &Ikev2Profile| {
        p.match_identity
            .iter()
            .find(|(t, _)| is_identity_any(t))
            .map(|(_, line)| *line)
    };
    let mut result = OverlapAnalysis::default();
    let mut profile_pairs = 0usize;
    let mut total = 0usize;
    for (i, a) in complete.iter().enumerate() {
        for (j, b) in complete.iter().enumerate().skip(i + 1) {
            if profile_pairs >= MAX_PROFILE_PAIRS {
                result.incomplete = Some(format!(
                    "{} IKEv2 profiles: only the first {MAX_PROFILE_PAIRS} pairs were compared",
                    complete.len()
                ));
                return result;
            }
            profile_pairs += 1;
            if separated(a, b).is_some() {
                continue;
            }
            let any = any_line(a)
                .map(|l| (a, l))
                .or_else(|| any_line(b).map(|l| (b, l)));
            if let Some((p, line)) = any {
                result.overlaps.push(Overlap {
                    a,
                    b,
                    entries: Vec::new(),
                    reason: format!(
                        "profile {} has `match identity remote any` (line {line}), which \
                         matches every peer",
                        p.name
                    ),
                });
                continue;
            }
            let empty = Vec::new();
            let ea = entries.get(i).unwrap_or(&empty);
            let eb = entries.get(j).unwrap_or(&empty);
            let mut pairs = Vec::new();
            let mut compared = 0usize;
            let mut found = 0usize;
            let mut gave_up = false;
            'outer: for x in ea {
                for y in eb {
                    if compared >= MAX_COMPARED_PAIRS || total >= MAX_TOTAL_COMPARED {
                        gave_up = true;
                        break 'outer;
                    }
                    compared += 1;
                    total += 1;
                    if certmap::disjoint(x, y).is_none() {
                        found += 1;
                        if pairs.len() < MAX_LISTED_PAIRS {
                            pairs.push((*x, *y));
                        }
                    }
                }
            }
            if found == 0 && !gave_up {
                continue;
            }
            let mut reason = match pairs.first() {
                Some((x, y)) if found == 1 => format!(
                    "certificate map entries {} {} and {} {} can both match one certificate",
                    x.label, x.seq, y.label, y.seq
                ),
                Some(_) => format!(
                    "{found} pairs of certificate map entries can both match one certificate"
                ),
                None => String::new(),
            };
            if gave_up {
                if !reason.is_empty() {
                    reason.push_str("; ");
                }
                reason.push_str(&format!(
                    "stopped after comparing {compared} entry pairs (analysis budget): the \
                     rest are assumed to overlap"
                ));
            }
            result.overlaps.push(Overlap {
                a,
                b,
                entries: pairs,
                reason,
            });
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ios::config::parse;
    use crate::testkit::{CertSpec, Issued};

    fn cert(cn: &str, org: &str) -> Certificate {
        let ca = Issued::root("Example CA");
        let leaf = ca.issue(CertSpec::leaf(cn).org(Some(org)));
        Certificate::from_der(&leaf.der()).expect("test certificate")
    }

    const CONFIG: &str = "\
crypto pki certificate map SPOKES 10
 subject-name co o = branch
crypto pki certificate map SPOKES 20
 subject-name co cn = legacy
crypto pki certificate map PARTNERS 10
 subject-name co o = partner
crypto pki certificate map ALL 10
 issuer-name co example ca
!
crypto ikev2 profile SPOKES
 match certificate SPOKES
 match fvrf any
 authentication remote rsa-sig
!
crypto ikev2 profile PARTNERS
 match certificate PARTNERS
 match address local 192.0.2.1
!
crypto ikev2 profile CATCHALL
 match certificate ALL
 match address local 192.0.2.1
!
crypto ikev2 profile RA
 match identity remote fqdn domain example.com
 match certificate MISSING
!
crypto ikev2 profile EMPTY
 authentication remote rsa-sig
!
crypto ikev2 profile OTHERVRF
 match fvrf RED
 match certificate ALL
";

    #[test]
    fn selects_by_certificate() {
        let cfg = parse(CONFIG);
        assert_eq!(cfg.problems, vec![]);
        let c = cert("spoke1", "Branch Office");
        let sel = select(&cfg, &c);
        let names = |v: &[ProfileCandidate<'_>]| -> Vec<String> {
            v.iter().map(|c| c.profile.name.clone()).collect()
        };
        assert_eq!(names(&sel.matching), vec!["SPOKES", "CATCHALL", "OTHERVRF"]);
        assert!(sel.is_ambiguous());
        let first = sel.matching.first().expect("SPOKES");
        assert_eq!(
            first.matched_by,
            "match certificate SPOKES (seq 10, line 11)"
        );
        assert!(first.conditions.is_empty(), "fvrf any is no condition");
        let catchall = sel.matching.get(1).expect("CATCHALL");
        assert_eq!(
            catchall.conditions,
            vec!["match address local 192.0.2.1 (line 21) must hold too"]
        );

        let reasons: Vec<(&str, &str)> = sel
            .not_matching
            .iter()
            .map(|(p, why)| (p.name.as_str(), why.as_str()))
            .collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons
            .iter()
            .any(|(n, why)| *n == "PARTNERS" && why.contains("partner")));
        assert!(reasons
            .iter()
            .any(|(n, why)| *n == "EMPTY" && why.contains("incomplete")));
        let (ra, why) = sel.undecidable.first().expect("RA");
        assert_eq!(ra.name, "RA");
        assert!(
            why.contains("IKE identity") && why.contains("MISSING is not defined"),
            "{why}"
        );
        let json = serde_json::to_value(&sel).expect("json");
        assert_eq!(json["not_matching"][0]["profile"], "PARTNERS");

        // A partner certificate: PARTNERS and CATCHALL.
        let p = select(&cfg, &cert("gw", "Partner Inc"));
        assert_eq!(names(&p.matching), vec!["PARTNERS", "CATCHALL", "OTHERVRF"]);
    }

    #[test]
    fn identity_any_matches_every_certificate() {
        let cfg = parse(
            "crypto ikev2 profile EAP\n match identity remote any\n\
             crypto ikev2 profile CERT\n match certificate M\n\
             crypto pki certificate map M 1\n subject-name co cn=x\n",
        );
        let sel = select(&cfg, &cert("nobody", "Example"));
        assert_eq!(sel.matching.len(), 1);
        assert_eq!(
            sel.matching.first().map(|c| c.matched_by.as_str()),
            Some("match identity remote any (line 2)")
        );
        let o = overlapping_profiles(&cfg);
        assert_eq!(o.len(), 1);
        assert!(o
            .first()
            .is_some_and(|o| o.reason.contains("remote any") && o.entries.is_empty()));
    }

    #[test]
    fn overlaps() {
        let cfg = parse(CONFIG);
        let found: Vec<(String, String, usize)> = overlapping_profiles(&cfg)
            .iter()
            .map(|o| (o.a.name.clone(), o.b.name.clone(), o.entries.len()))
            .collect();
        // SPOKES/PARTNERS: `co o=branch` vs `co o=partner` are not provably
        // disjoint (a DN can hold both), so they overlap too. OTHERVRF is
        // kept apart from the global-table profiles by its fvrf; SPOKES
        // (fvrf any) is not.
        assert_eq!(
            found,
            vec![
                ("SPOKES".into(), "PARTNERS".into(), 2),
                ("SPOKES".into(), "CATCHALL".into(), 2),
                ("SPOKES".into(), "OTHERVRF".into(), 2),
                ("PARTNERS".into(), "CATCHALL".into(), 1),
            ]
        );
        let cfg = parse(
            "crypto pki certificate map A 10\n subject-name eq cn=a\n\
             crypto pki certificate map B 10\n subject-name eq cn=b\n\
             crypto pki certificate map B 20\n subject-name ne cn=a\n\
             crypto ikev2 profile PA\n match certificate A\n\
             crypto ikev2 profile PB\n match certificate B\n\
             crypto ikev2 profile PC\n match certificate A\n match address local 10.0.0.1\n\
             crypto ikev2 profile PD\n match certificate A\n match address local 10.0.0.2\n",
        );
        let o = overlapping_profiles(&cfg);
        let pairs: Vec<(&str, &str)> = o
            .iter()
            .map(|o| (o.a.name.as_str(), o.b.name.as_str()))
            .collect();
        // PA/PB: A 10 is disjoint from both B entries. PA/PC and PA/PD share
        // map A; PC/PD are kept apart by their local addresses.
        assert_eq!(pairs, vec![("PA", "PC"), ("PA", "PD")]);
        assert!(o
            .first()
            .is_some_and(|o| o.reason.contains("A 10 and A 10")));
        assert!(serde_json::to_string(&o).is_ok());
    }

    #[test]
    fn analysis_is_bounded() {
        // 101 x 101 provably disjoint entry pairs: more than one profile
        // pair may compare, so the rest are assumed to overlap.
        let mut text = String::new();
        for n in 1..=101 {
            text.push_str(&format!(
                "crypto pki certificate map A {n}\n subject-name eq cn=a{n}\n\
                 crypto pki certificate map B {n}\n subject-name eq cn=b{n}\n"
            ));
        }
        text.push_str(
            "crypto ikev2 profile PA\n match certificate A\n\
             crypto ikev2 profile PB\n match certificate B\n",
        );
        let cfg = parse(&text);
        let o = overlapping_profiles(&cfg);
        assert_eq!(o.len(), 1);
        assert!(
            o.first().is_some_and(|o| o.entries.is_empty()
                && o.reason
                    .contains(&format!("after comparing {MAX_COMPARED_PAIRS}"))),
            "{o:?}"
        );
        // With 100 entries a side all 10 000 pairs are compared: no overlap.
        let cfg = parse(&text.replace(" 101\n", " 100\n"));
        assert!(overlapping_profiles(&cfg).is_empty());

        // More profile pairs than the bound: the analysis says it stopped.
        let mut text = String::from("crypto pki certificate map M 1\n");
        for n in 0..710 {
            text.push_str(&format!(
                "crypto ikev2 profile P{n}\n match certificate M\n match fvrf V{n}\n"
            ));
        }
        let cfg = parse(&text);
        let analysis = overlap_analysis(&cfg);
        assert!(
            analysis.overlaps.is_empty(),
            "every profile has its own VRF"
        );
        assert!(analysis
            .incomplete
            .is_some_and(|why| why.contains("710 IKEv2 profiles")));
    }
}
