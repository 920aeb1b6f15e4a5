use std::ops::RangeInclusive;

use prost_reflect::{ExtensionDescriptor, MessageDescriptor};

use crate::declare_rule;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, child_path};

/// The largest field number.
const MAX_FIELD_NUMBER: u32 = 536_870_911;
/// `FieldDescriptorProto.number`.
const NUMBER_FIELD: i32 = 3;

declare_rule! {
    /// Field numbers must lie in the bands configured for their package or
    /// message. Teams use bands to keep 1–15 (one-byte tags) for hot fields, or
    /// to split a shared message's extension numbers between teams. Nothing is
    /// checked until bands are configured.
    ///
    /// Each band is a table in `bands`:
    /// - `package` (required): a package; the band applies to it and to its
    ///   sub-packages (`acme` covers `acme.hot.v1`); `"*"` is every package.
    /// - `range` (required): numbers and ranges separated by commas:
    ///   `"1-15"`, `"1-15, 100-199"`, `"1000-max"`, `"7"`.
    /// - `message` (optional): a message's name within the package
    ///   (`Event` or `Event.Detail`); the band then applies only to its fields.
    ///
    /// For each field the most specific bands decide: those naming its message,
    /// else those of the longest matching package; several bands at the same
    /// level add up. Extensions are checked against their own package's bands
    /// (without `message`), since a team declares extensions in its package.
    ///
    /// ```toml
    /// [[lint.rules.FIELD_NUMBER_BANDS.bands]]
    /// package = "acme.hot.v1"
    /// range = "1-15"
    ///
    /// [[lint.rules.FIELD_NUMBER_BANDS.bands]]
    /// package = "acme.hot.v1"
    /// message = "Archive"
    /// range = "1-15, 100-max"
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// // File: idl.toml
    /// [lint]
    /// use = ["FIELD_NUMBER_BANDS"]
    /// [[lint.rules.FIELD_NUMBER_BANDS.bands]]
    /// package = "acme.hot.v1"
    /// range = "1-15"
    /// // File: acme/hot/v1/tick.proto
    /// syntax = "proto3";
    /// package acme.hot.v1;
    /// message Tick { int64 time = 16; }
    /// // Valid
    /// // File: idl.toml
    /// [lint]
    /// use = ["FIELD_NUMBER_BANDS"]
    /// [[lint.rules.FIELD_NUMBER_BANDS.bands]]
    /// package = "acme.hot.v1"
    /// range = "1-15"
    /// // File: acme/hot/v1/tick.proto
    /// syntax = "proto3";
    /// package acme.hot.v1;
    /// message Tick { int64 time = 1; }
    /// ```
    pub struct FieldNumberBands {
        id: "FIELD_NUMBER_BANDS",
        summary: "Field numbers lie in the bands configured per package or message (option `bands`).",
        severity: Error,
        fixable: false,
        options: [RuleOption {
            name: "bands",
            default: OptionDefault::Tables,
            help: "Tables of `package`, `range` and optional `message`; see below.",
        }],
    }
}

/// One configured band.
#[derive(Debug)]
struct Band {
    package: String,
    message: Option<String>,
    ranges: Vec<RangeInclusive<u32>>,
    /// The `range` text, for messages.
    text: String,
}

impl Band {
    fn parse(table: &toml::Table) -> Result<Band, String> {
        if let Some(key) = table.keys().find(|key| !matches!(key.as_str(), "package" | "range" | "message")) {
            return Err(format!("unknown key `{key}` in a band; expected one of: package, range, message"));
        }
        let text_of = |key: &str| match table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(text)) => Ok(Some(text.trim().to_string())),
            Some(_) => Err(format!("`{key}` of a band must be a string")),
        };
        let package = text_of("package")?.ok_or("a band needs a `package` (\"*\" for every package)")?;
        let text = text_of("range")?.ok_or("a band needs a `range`, such as \"1-15\"")?;
        let message = text_of("message")?;
        let ranges = parse_ranges(&text)?;
        Ok(Band { package, message, ranges, text })
    }

    /// How specifically the band matches a field of `message` in `package`:
    /// `None` when it does not apply.
    fn specificity(&self, package: &str, message: Option<&str>) -> Option<usize> {
        let package_matches = self.package == "*"
            || package == self.package
            || package.strip_prefix(self.package.as_str()).is_some_and(|rest| rest.starts_with('.'));
        if !package_matches {
            return None;
        }
        let package_length = if self.package == "*" { 0 } else { self.package.len() + 1 };
        match (&self.message, message) {
            (None, _) => Some(package_length),
            (Some(band_message), Some(message)) if band_message == message && self.package != "*" => {
                // A message band beats every package band.
                Some(usize::MAX / 2 + package_length)
            }
            (Some(_), _) => None,
        }
    }
}

/// `"1-15, 100-max"` → the ranges; each within 1..=536870911.
fn parse_ranges(text: &str) -> Result<Vec<RangeInclusive<u32>>, String> {
    let number = |part: &str| -> Result<u32, String> {
        let part = part.trim();
        let value = if part == "max" {
            MAX_FIELD_NUMBER
        } else {
            part.parse::<u32>().map_err(|_| format!("`{part}` in range \"{text}\" is not a field number or `max`"))?
        };
        if (1..=MAX_FIELD_NUMBER).contains(&value) {
            Ok(value)
        } else {
            Err(format!("{value} in range \"{text}\" is not a field number (1 to {MAX_FIELD_NUMBER})"))
        }
    };
    let mut ranges = Vec::new();
    for part in text.split(',') {
        let range = match part.split_once('-') {
            Some((start, end)) => number(start)?..=number(end)?,
            None => number(part)?..=number(part)?,
        };
        if range.is_empty() {
            return Err(format!("range `{}` in \"{text}\" ends before it starts", part.trim()));
        }
        ranges.push(range);
    }
    Ok(ranges)
}

/// The bands that decide for a field of `message` (its name within the package,
/// `None` for extensions) in `package`.
fn deciding<'b>(bands: &'b [Band], package: &str, message: Option<&str>) -> Vec<&'b Band> {
    let best = bands.iter().filter_map(|band| band.specificity(package, message)).max();
    bands.iter().filter(|band| best.is_some() && band.specificity(package, message) == best).collect()
}

fn configured_bands(cx: &Context<'_>) -> Vec<Band> {
    // validate_option rejected bad tables when the config was read.
    cx.option_tables("bands").iter().filter_map(|table| Band::parse(table).ok()).collect()
}

fn check_number(cx: &mut Context<'_>, bands: &[&Band], kind: &str, name: &str, number: u32, path: &[i32]) {
    if bands.is_empty() || bands.iter().any(|band| band.ranges.iter().any(|range| range.contains(&number))) {
        return;
    }
    let allowed: Vec<&str> = bands.iter().map(|band| band.text.as_str()).collect();
    let scope = match &bands[0].message {
        Some(message) => format!("message {message:?} of package {:?}", bands[0].package),
        None if bands[0].package == "*" => "every package".to_string(),
        None => format!("package {:?}", bands[0].package),
    };
    cx.report(
        &child_path(path, &[NUMBER_FIELD]),
        format!("{kind} {name:?} has number {number}, outside the bands for {scope}: {}.", allowed.join(", ")),
    );
}

impl Rule for FieldNumberBands {
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        if message.is_map_entry() {
            return;
        }
        let bands = configured_bands(cx);
        if bands.is_empty() {
            return;
        }
        let package = message.package_name();
        let full_name = message.full_name();
        let relative = if package.is_empty() { full_name } else { &full_name[package.len() + 1..] };
        let deciding = deciding(&bands, package, Some(relative));
        for field in message.fields() {
            check_number(cx, &deciding, "Field", field.name(), field.number(), field.path());
        }
    }

    fn check_extension(&self, cx: &mut Context<'_>, extension: &ExtensionDescriptor) {
        let bands = configured_bands(cx);
        let deciding = deciding(&bands, extension.package_name(), None);
        check_number(cx, &deciding, "Extension", extension.name(), extension.number(), extension.path());
    }

    fn validate_option(&self, _name: &str, value: &toml::Value) -> Result<(), String> {
        for table in value.as_array().into_iter().flatten().filter_map(toml::Value::as_table) {
            Band::parse(table)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_reject_bad_numbers() {
        assert_eq!(parse_ranges("1-15, 100-max").unwrap(), vec![1..=15, 100..=MAX_FIELD_NUMBER]);
        assert_eq!(parse_ranges("7").unwrap(), vec![7..=7]);
        assert!(parse_ranges("0-15").unwrap_err().contains("not a field number"));
        assert!(parse_ranges("15-1").unwrap_err().contains("ends before it starts"));
        assert!(parse_ranges("a-b").unwrap_err().contains("`a`"));
    }

    #[test]
    fn most_specific_bands_decide() {
        let band = |package: &str, message: Option<&str>, range: &str| Band {
            package: package.to_string(),
            message: message.map(str::to_string),
            ranges: parse_ranges(range).unwrap(),
            text: range.to_string(),
        };
        let bands = vec![
            band("*", None, "1-1000"),
            band("acme", None, "1-100"),
            band("acme.hot.v1", None, "1-15"),
            band("acme.hot.v1", None, "20"),
            band("acme.hot.v1", Some("Archive"), "100-max"),
        ];
        let texts = |package, message| -> Vec<String> {
            deciding(&bands, package, message).iter().map(|band| band.text.clone()).collect()
        };
        assert_eq!(texts("acme.hot.v1", Some("Tick")), ["1-15", "20"]);
        assert_eq!(texts("acme.hot.v1", Some("Archive")), ["100-max"]);
        assert_eq!(texts("acme.cold.v1", Some("Tick")), ["1-100"]);
        assert_eq!(texts("acmex.v1", None), ["1-1000"]);
    }
}
