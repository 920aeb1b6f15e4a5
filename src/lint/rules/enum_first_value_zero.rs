use prost_reflect::EnumDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, child_path};

declare_rule! {
    /// The first value declared in an enum must be numbered zero. proto3 requires
    /// it; in proto2 and editions closed enums the first value is the default, so
    /// a non-zero first value makes the default surprising.
    ///
    /// ```proto
    /// // Invalid
    /// syntax = "proto2";
    /// enum Color { COLOR_RED = 1; COLOR_UNSPECIFIED = 0; }
    /// // Valid
    /// syntax = "proto2";
    /// enum Color { COLOR_UNSPECIFIED = 0; COLOR_RED = 1; }
    /// ```
    pub struct EnumFirstValueZero {
        id: "ENUM_FIRST_VALUE_ZERO",
        summary: "The first enum value is numbered zero.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for EnumFirstValueZero {
    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        // The first value in declaration order, which is the descriptor's order.
        let Some(first) = enum_.declared_values().next() else {
            return;
        };
        if first.number() != 0 {
            cx.report(
                &child_path(enum_.path(), &[2, 0, 2]),
                format!("First enum value {:?} should have a numeric value of 0", first.name()),
            );
        }
    }
}
