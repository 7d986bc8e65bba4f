//! `--ignore RULE` and `--severity RULE=LEVEL`: the operator's say over
//! which findings count, and how much. Nothing disappears silently: every
//! suppressed finding is counted, and reports say how many.

use super::{Rule, Severity};

/// A rule selector: a rule id (`chain.sent.incomplete`) or a family, which
/// matches every id under it (`chain.sent` or `chain.sent.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selector(String);

impl Selector {
    fn parse(text: &str, known: &[&str]) -> Result<Selector, String> {
        let text = text.trim();
        let stem = text.strip_suffix(".*").unwrap_or(text);
        let sel = Selector(stem.to_string());
        if stem.is_empty() || !known.iter().any(|id| sel.matches(id)) {
            return Err(format!(
                "'{text}' names no rule (see `pkiaudit rules` for the ids; a family such as \
                 'chain.sent' selects every rule under it)"
            ));
        }
        Ok(sel)
    }

    fn matches(&self, id: &str) -> bool {
        id == self.0
            || id
                .strip_prefix(self.0.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    }
}

/// Which findings are ignored and which change severity. Later entries win
/// over earlier ones, so an inventory target's entries override the global
/// ones it is [`RulePolicy::then`]ed onto.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulePolicy {
    /// (selector, `None` = ignored, or the new severity), in order.
    entries: Vec<(Selector, Option<Severity>)>,
}

impl RulePolicy {
    /// Parse `--ignore` values and `--severity RULE=LEVEL` values against
    /// the registered rules.
    pub fn parse(ignore: &[String], severity: &[String]) -> Result<RulePolicy, String> {
        let known: Vec<&str> = all_rules().map(|r| r.id).collect();
        let mut entries = Vec::new();
        for text in ignore {
            entries.push((
                Selector::parse(text, &known).map_err(|e| format!("ignore {e}"))?,
                None,
            ));
        }
        for text in severity {
            let (rule, level) = text
                .split_once('=')
                .ok_or_else(|| format!("severity '{text}': expected RULE=LEVEL"))?;
            let level = match level.trim().to_ascii_lowercase().as_str() {
                "error" => Severity::Error,
                "warning" | "warn" => Severity::Warning,
                "info" => Severity::Info,
                other => {
                    return Err(format!(
                        "severity '{text}': unknown level '{other}' (one of error, warning, info)"
                    ))
                }
            };
            entries.push((
                Selector::parse(rule, &known).map_err(|e| format!("severity {e}"))?,
                Some(level),
            ));
        }
        Ok(RulePolicy { entries })
    }

    /// `self`, then `more` (whose entries win).
    pub fn then(&self, more: &RulePolicy) -> RulePolicy {
        let mut entries = self.entries.clone();
        entries.extend(more.entries.iter().cloned());
        RulePolicy { entries }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The severity a finding of `rule` has under the policy, or `None`
    /// when it is ignored.
    pub fn decide(&self, rule: &Rule) -> Option<Severity> {
        self.entries
            .iter()
            .rev()
            .find(|(sel, _)| sel.matches(rule.id))
            .map_or(Some(rule.severity), |(_, s)| *s)
    }
}

/// Every rule an operator can select: the per-certificate and
/// configuration rules, and those about inputs and the sweep.
fn all_rules() -> impl Iterator<Item = &'static Rule> {
    super::RULES.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str) -> &'static Rule {
        all_rules().find(|r| r.id == id).unwrap()
    }

    #[test]
    fn ids_and_families_select_rules_and_later_entries_win() {
        let p = RulePolicy::parse(
            &["chain.sent".into()],
            &[
                "chain.sent.root=error".into(),
                "validity.expiring=info".into(),
            ],
        )
        .unwrap();
        // The severity given after the family's ignore wins for that rule.
        assert_eq!(p.decide(rule("chain.sent.root")), Some(Severity::Error));
        assert_eq!(p.decide(rule("chain.sent.incomplete")), None);
        assert_eq!(p.decide(rule("validity.expiring")), Some(Severity::Info));
        // Untouched rules keep their own severity.
        let r = rule("validity.expired");
        assert_eq!(p.decide(r), Some(r.severity));
        // A family selects by whole components only.
        let q = RulePolicy::parse(&["chain.sent.*".into()], &[]).unwrap();
        assert_eq!(q.decide(rule("chain.sent.order")), None);
        let g = RulePolicy::parse(&["validity".into()], &[]).unwrap();
        assert_eq!(g.decide(rule("validity.expired")), None);
        // Target entries override global ones.
        let t = RulePolicy::parse(&[], &["chain.sent.incomplete=warning".into()]).unwrap();
        assert_eq!(
            p.then(&t).decide(rule("chain.sent.incomplete")),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn unknown_rules_and_levels_are_errors_in_words() {
        let e = RulePolicy::parse(&["chain.sent.incomplet".into()], &[]).unwrap_err();
        assert!(e.contains("'chain.sent.incomplet' names no rule"), "{e}");
        assert!(RulePolicy::parse(&["chai".into()], &[]).is_err());
        let e = RulePolicy::parse(&[], &["validity.expired=fatal".into()]).unwrap_err();
        assert!(e.contains("unknown level 'fatal'"), "{e}");
        let e = RulePolicy::parse(&[], &["validity.expired".into()]).unwrap_err();
        assert!(e.contains("expected RULE=LEVEL"), "{e}");
    }
}
