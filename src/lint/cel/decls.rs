//! The functions an expression may call: CEL's standard declarations, the string
//! extension library and protovalidate's own functions, as protovalidate-go
//! declares them for buf.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::types::Type;

/// Type parameters of a declaration are variables with these numbers; each use
/// of the overload replaces them with fresh ones.
pub const PARAM_A: u32 = u32::MAX;
pub const PARAM_K: u32 = u32::MAX - 1;
pub const PARAM_V: u32 = u32::MAX - 2;

pub struct Overload {
    /// Called as `target.name(args)`: the first parameter is the target.
    pub member: bool,
    pub params: Vec<Type>,
    pub result: Type,
}

pub type Functions = HashMap<&'static str, Vec<Overload>>;

fn a() -> Type {
    Type::Var(PARAM_A)
}
fn k() -> Type {
    Type::Var(PARAM_K)
}
fn v() -> Type {
    Type::Var(PARAM_V)
}

struct Builder(Functions);

impl Builder {
    fn global(&mut self, name: &'static str, params: Vec<Type>, result: Type) {
        self.0.entry(name).or_default().push(Overload { member: false, params, result });
    }

    fn member(&mut self, name: &'static str, params: Vec<Type>, result: Type) {
        self.0.entry(name).or_default().push(Overload { member: true, params, result });
    }

    /// Both `name(x)` and `x.name()` (size, and so on).
    fn both(&mut self, name: &'static str, params: Vec<Type>, result: Type) {
        self.global(name, params.clone(), result.clone());
        self.member(name, params, result);
    }
}

/// Every declared function, built once.
pub fn functions() -> &'static Functions {
    static FUNCTIONS: OnceLock<Functions> = OnceLock::new();
    FUNCTIONS.get_or_init(build)
}

fn build() -> Functions {
    use Type::{Bool, Bytes, Double, Duration, Dyn, Int, String, Timestamp, Uint};
    let mut b = Builder(HashMap::new());
    let numbers = [Int, Uint, Double];

    // Logic and the conditional.
    b.global("_&&_", vec![Bool, Bool], Bool);
    b.global("_||_", vec![Bool, Bool], Bool);
    b.global("!_", vec![Bool], Bool);
    b.global("@not_strictly_false", vec![Bool], Bool);
    b.global("_?_:_", vec![Bool, a(), a()], a());

    // Equality and ordering; protovalidate turns on cross-type numeric comparisons.
    b.global("_==_", vec![a(), a()], Bool);
    b.global("_!=_", vec![a(), a()], Bool);
    for op in ["_<_", "_<=_", "_>_", "_>=_"] {
        for ty in [Bool, String, Bytes, Timestamp, Duration] {
            b.global(op, vec![ty.clone(), ty], Bool);
        }
        for left in &numbers {
            for right in &numbers {
                b.global(op, vec![left.clone(), right.clone()], Bool);
            }
        }
    }

    // Arithmetic.
    for ty in &numbers {
        for op in ["_+_", "_-_", "_*_", "_/_"] {
            b.global(op, vec![ty.clone(), ty.clone()], ty.clone());
        }
    }
    b.global("_%_", vec![Int, Int], Int);
    b.global("_%_", vec![Uint, Uint], Uint);
    b.global("-_", vec![Int], Int);
    b.global("-_", vec![Double], Double);
    b.global("_+_", vec![String, String], String);
    b.global("_+_", vec![Bytes, Bytes], Bytes);
    b.global("_+_", vec![Type::list(a()), Type::list(a())], Type::list(a()));
    b.global("_+_", vec![Timestamp, Duration], Timestamp);
    b.global("_+_", vec![Duration, Timestamp], Timestamp);
    b.global("_+_", vec![Duration, Duration], Duration);
    b.global("_-_", vec![Timestamp, Timestamp], Duration);
    b.global("_-_", vec![Timestamp, Duration], Timestamp);
    b.global("_-_", vec![Duration, Duration], Duration);

    // Collections.
    b.global("_[_]", vec![Type::list(a()), Int], a());
    b.global("_[_]", vec![Type::map(k(), v()), k()], v());
    b.global("@in", vec![a(), Type::list(a())], Bool);
    b.global("@in", vec![k(), Type::map(k(), v())], Bool);
    for ty in [String, Bytes, Type::list(a()), Type::map(k(), v())] {
        b.both("size", vec![ty], Int);
    }

    // Conversions.
    for ty in [Int, Uint, Double, String, Timestamp, Duration] {
        b.global("int", vec![ty], Int);
    }
    for ty in [Int, Uint, Double, String] {
        b.global("uint", vec![ty], Uint);
    }
    for ty in [Int, Uint, Double, String] {
        b.global("double", vec![ty], Double);
    }
    for ty in [Int, Uint, Double, Bool, Bytes, String, Timestamp, Duration] {
        b.global("string", vec![ty], String);
    }
    b.global("bytes", vec![Bytes], Bytes);
    b.global("bytes", vec![String], Bytes);
    b.global("bool", vec![Bool], Bool);
    b.global("bool", vec![String], Bool);
    b.global("timestamp", vec![String], Timestamp);
    b.global("timestamp", vec![Int], Timestamp);
    b.global("timestamp", vec![Timestamp], Timestamp);
    b.global("duration", vec![String], Duration);
    b.global("duration", vec![Duration], Duration);
    b.global("dyn", vec![a()], Dyn);
    b.global("type", vec![a()], Type::Type(Box::new(a())));

    // Strings.
    for name in ["contains", "startsWith", "endsWith", "matches"] {
        b.member(name, vec![String, String], Bool);
    }
    b.global("matches", vec![String, String], Bool);
    // protovalidate adds the byte-string forms.
    for name in ["contains", "startsWith", "endsWith"] {
        b.member(name, vec![Bytes, Bytes], Bool);
    }

    // Timestamps and durations.
    for name in [
        "getFullYear",
        "getMonth",
        "getDayOfYear",
        "getDayOfMonth",
        "getDate",
        "getDayOfWeek",
        "getHours",
        "getMinutes",
        "getSeconds",
        "getMilliseconds",
    ] {
        b.member(name, vec![Timestamp], Int);
        b.member(name, vec![Timestamp, String], Int);
    }
    for name in ["getHours", "getMinutes", "getSeconds", "getMilliseconds"] {
        b.member(name, vec![Duration], Int);
    }

    // cel-go's string extensions.
    b.member("charAt", vec![String, Int], String);
    b.member("indexOf", vec![String, String], Int);
    b.member("indexOf", vec![String, String, Int], Int);
    b.member("lastIndexOf", vec![String, String], Int);
    b.member("lastIndexOf", vec![String, String, Int], Int);
    b.member("lowerAscii", vec![String], String);
    b.member("upperAscii", vec![String], String);
    b.member("replace", vec![String, String, String], String);
    b.member("replace", vec![String, String, String, Int], String);
    b.member("split", vec![String, String], Type::list(String));
    b.member("split", vec![String, String, Int], Type::list(String));
    b.member("substring", vec![String, Int], String);
    b.member("substring", vec![String, Int, Int], String);
    b.member("trim", vec![String], String);
    b.member("join", vec![Type::list(String)], String);
    b.member("join", vec![Type::list(String), String], String);
    b.member("reverse", vec![String], String);
    b.member("format", vec![String, Type::list(Dyn)], String);
    b.global("strings.quote", vec![String], String);

    // protovalidate's library.
    b.member("isNan", vec![Double], Bool);
    b.member("isInf", vec![Double], Bool);
    b.member("isInf", vec![Double, Int], Bool);
    for name in ["isHostname", "isEmail", "isUri", "isUriRef"] {
        b.member(name, vec![String], Bool);
    }
    b.member("isIp", vec![String], Bool);
    b.member("isIp", vec![String, Int], Bool);
    b.member("isIpPrefix", vec![String], Bool);
    b.member("isIpPrefix", vec![String, Int], Bool);
    b.member("isIpPrefix", vec![String, Bool], Bool);
    b.member("isIpPrefix", vec![String, Int, Bool], Bool);
    b.member("isHostAndPort", vec![String, Bool], Bool);
    for element in [Bool, Int, Uint, Double, String, Bytes] {
        b.member("unique", vec![Type::list(element)], Bool);
    }
    b.global("getField", vec![Dyn, String], Dyn);
    b.0
}
