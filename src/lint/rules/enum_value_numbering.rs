use std::ops::RangeInclusive;

use prost_reflect::EnumDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Enum values must be numbered without gaps, except for reserved numbers,
    /// and never negatively. Where numbering starts (zero) is
    /// ENUM_FIRST_VALUE_ZERO's concern.
    ///
    /// Negative numbers: the Language Guide's "Enumerations" says "Since `enum`
    /// values use varint encoding on the wire, negative values are inefficient
    /// and thus not recommended." (every negative value takes ten bytes).
    ///
    /// Gaps: the Proto Best Practices say "When you delete an enum value that's
    /// no longer used, reserve its number so that no one accidentally re-uses it
    /// in the future." So a number below the highest one that is neither used
    /// nor reserved is either a deleted value left unreserved or a skipped
    /// number; either way the next value added may take it. The finding is on
    /// the first value after each gap. Aliases (`allow_alias`) share numbers and
    /// are fine. Enums that mirror external codes (HTTP statuses) are sparse on
    /// purpose: ignore the rule for them.
    ///
    /// ```proto
    /// // Invalid
    /// enum Color {
    ///   COLOR_UNSPECIFIED = 0;
    ///   COLOR_RED = 1;
    ///   COLOR_BLUE = 3;
    /// }
    /// // Valid
    /// enum Color {
    ///   reserved 2;
    ///   COLOR_UNSPECIFIED = 0;
    ///   COLOR_RED = 1;
    ///   COLOR_BLUE = 3;
    /// }
    /// ```
    pub struct EnumValueNumbering {
        id: "ENUM_VALUE_NUMBERING",
        summary: "Enum values are numbered densely (gaps reserved), never negatively.",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for EnumValueNumbering {
    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        let reserved: Vec<RangeInclusive<i32>> = enum_.reserved_ranges().collect();
        let mut values: Vec<_> = enum_.values().collect();
        // Declaration order breaks ties, so the first of aliased values is reported.
        values.sort_by_key(|value| value.number());
        // Where numbering starts is ENUM_FIRST_VALUE_ZERO's concern.
        let mut expected = values.iter().map(|value| value.number()).find(|number| *number >= 0).unwrap_or(0);
        for value in &values {
            let number = value.number();
            let name = value.name();
            if number < 0 {
                cx.report(
                    &name_path(value.path()),
                    format!("Enum value {name:?} has the negative number {number}; negative enum numbers take ten bytes on the wire."),
                );
                continue;
            }
            if number > expected
                && let Some((first, last)) = uncovered(expected, number - 1, &reserved)
            {
                let numbers = if first == last { format!("{first} is") } else { format!("{first} to {last} are") };
                cx.report(
                    &name_path(value.path()),
                    format!(
                        "Enum value {name:?} is numbered {number} but {numbers} neither used nor reserved; number values densely and reserve the numbers of deleted ones."
                    ),
                );
            }
            expected = expected.max(number.saturating_add(1));
        }
    }
}

/// The first and last numbers of `start..=end` that no reserved range covers,
/// without walking the numbers (enum gaps can span billions).
fn uncovered(start: i32, end: i32, reserved: &[RangeInclusive<i32>]) -> Option<(i32, i32)> {
    let covering = |number: i32| reserved.iter().find(|range| range.contains(&number));
    // Skip forward over reserved ranges from the start, and backward from the end.
    let mut first = start;
    while let Some(range) = covering(first) {
        first = range.end().checked_add(1)?;
        if first > end {
            return None;
        }
    }
    let mut last = end;
    while let Some(range) = covering(last) {
        last = range.start().checked_sub(1)?;
    }
    Some((first, last))
}

#[cfg(test)]
mod tests {
    use super::uncovered;

    #[test]
    fn uncovered_numbers_skip_reserved_ranges() {
        assert_eq!(uncovered(2, 2, &[]), Some((2, 2)));
        assert_eq!(uncovered(2, 5, &[2..=3]), Some((4, 5)));
        assert_eq!(uncovered(2, 9, &[2..=3, 8..=9]), Some((4, 7)));
        assert_eq!(uncovered(2, 9, &[2..=5, 6..=9]), None);
        assert_eq!(uncovered(1, i32::MAX - 1, &[]), Some((1, i32::MAX - 1)));
    }
}
