use std::collections::BTreeMap;
use std::sync::Arc;

use prost_reflect::{DescriptorPool, Value};

use super::*;
use crate::compile::{MemoryFiles, compile_from};

const VALIDATE: &str = include_str!("../../../testdata/protovalidate/buf/validate/validate.proto");

const SAMPLE: &str = r#"
syntax = "proto3";
package acme.v1;
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
message User {
  string name = 1;
  repeated string tags = 2;
  map<string, int64> scores = 3;
  google.protobuf.Timestamp created = 4;
  google.protobuf.Int32Value age = 5;
  Kind kind = 6;
  User parent = 7;
}
enum Kind { KIND_UNSPECIFIED = 0; }
"#;

fn pool() -> DescriptorPool {
    let files: BTreeMap<String, (String, Arc<str>)> =
        [("buf/validate/validate.proto", VALIDATE), ("acme/v1/user.proto", SAMPLE)]
            .into_iter()
            .map(|(name, text)| (name.to_string(), (name.to_string(), Arc::from(text))))
            .collect();
    let compilation = compile_from(&MemoryFiles { files, ..Default::default() });
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation.pool
}

fn user_env(pool: &DescriptorPool) -> Environment {
    let user = pool.get_message_by_name("acme.v1.User").unwrap();
    Environment::new(pool.clone()).with_types_of(&user).with_variable("this", Type::Message(user))
}

fn messages(checked: Checked) -> Vec<String> {
    match checked {
        Ok(ty) => vec![format!("ok: {ty}")],
        Err(errors) => errors.into_iter().map(|e| e.message).collect(),
    }
}

#[test]
fn well_typed_expressions_have_their_type() {
    let pool = pool();
    let env = user_env(&pool);
    for (expression, ty) in [
        ("this.name.size() > 0", "bool"),
        ("this.tags.all(t, t.startsWith('a')) && this.tags.exists(t, t == 'b')", "bool"),
        ("this.tags.exists_one(t, t.isEmail())", "bool"),
        ("this.tags.map(t, t.size())", "list(int)"),
        ("this.tags.filter(t, t != '').map(t, t + '!')", "list(string)"),
        ("this.scores.all(k, this.scores[k] > 0u)", "bool"),
        ("has(this.parent) ? this.parent.name : ''", "string"),
        ("this.created < now && now - this.created < duration('1h')", "bool"),
        ("this.age > 3 && this.age != null", "bool"),
        ("this.kind == 0", "bool"),
        ("[1, 2.0]", "list(dyn)"),
        ("{'a': 1}", "map(string, int)"),
        ("type(this.name) == string", "bool"),
        ("this.tags.unique() && 'x' in this.tags", "bool"),
        ("'%s'.format([this.name])", "string"),
        ("acme.v1.User{name: 'x'}.name", "string"),
    ] {
        assert_eq!(messages(check(expression, &env)), vec![format!("ok: {ty}")], "{expression}");
    }
}

#[test]
fn errors_are_cel_gos() {
    let pool = pool();
    let env = user_env(&pool);
    for (expression, expected) in [
        ("this.name.size() > \"a\"", "found no matching overload for '_>_' applied to '(int, string)'"),
        ("x == 1", "undeclared reference to 'x' (in container '')"),
        ("x.y.z", "undeclared reference to 'x' (in container '')"),
        ("foo(this)", "undeclared reference to 'foo' (in container '')"),
        ("this.nope == 1", "undefined field 'nope'"),
        ("this.created.seconds > 0", "type 'timestamp' does not support field selection"),
        ("this.name.isEmail() && this.kind.isEmail()", "found no matching overload for 'isEmail' applied to 'int.()'"),
        ("this.tags == 'a'", "found no matching overload for '_==_' applied to '(list(string), string)'"),
        ("this.age == 'a'", "found no matching overload for '_==_' applied to '(wrapper(int), string)'"),
        ("this.parent == 1", "found no matching overload for '_==_' applied to '(acme.v1.User, int)'"),
        ("true ? 1 : 'a'", "found no matching overload for '_?_:_' applied to '(bool, int, string)'"),
        (
            "this.tags.filter(t, t).size() > 0",
            "found no matching overload for '_?_:_' applied to '(string, list(string), list(string))'",
        ),
        (
            "this.name.exists(c, c == 'a')",
            "expression of type 'string' cannot be range of a comprehension (must be list, map, or dynamic)",
        ),
        ("has(this)", "invalid argument to has() macro"),
        ("this.tags.all(1, true)", "argument must be a simple name"),
        ("this.name.startsWith(1)", "found no matching overload for 'startsWith' applied to 'string.(int)'"),
        ("acme.v1.User{nope: 1} == this", "undefined field 'nope'"),
    ] {
        assert_eq!(messages(check(expression, &env)), vec![expected.to_string()], "{expression}");
    }
}

#[test]
fn syntax_errors_are_antlrs() {
    let env = Environment::new(pool());
    assert_eq!(
        messages(check("this +", &env)),
        vec![
            "mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}"
        ]
    );
    assert_eq!(
        messages(check("this = 1", &env)),
        vec!["token recognition error at: '= '", "extraneous input '1' expecting <EOF>"]
    );
}

/// Errors say where they are: the parser's position, the checker's expression.
#[test]
fn errors_carry_offsets() {
    let env = user_env(&pool());
    let offsets = |expression: &str| match check(expression, &env) {
        Err(errors) => errors.into_iter().map(|e| e.offset).collect::<Vec<_>>(),
        Ok(ty) => panic!("{expression} checks as {ty}"),
    };
    assert_eq!(offsets("this.name == 1"), vec![Some(10)]);
    assert_eq!(offsets("this.name =="), vec![Some(12)]);
    assert_eq!(offsets("true &&\n  x"), vec![Some(10)]);
}

/// Every standard rule of protovalidate (the `predefined` CEL of validate.proto's
/// `*Rules` messages) checks clean, with `this`, `rules` and `rule` as protovalidate
/// declares them: a checker that rejected any of them would be wrong.
#[test]
fn protovalidate_standard_rules_check_clean() {
    let pool = pool();
    let predefined = pool.get_extension_by_name("buf.validate.predefined").unwrap();
    let mut checked = 0;
    for message in pool.all_messages().filter(|m| m.package_name() == "buf.validate") {
        let Some(this) = predefined_this(&message) else { continue };
        for field in message.fields() {
            let options = field.options();
            if !options.has_extension(&predefined) {
                continue;
            }
            let rules = options.get_extension(&predefined);
            let Some(Value::List(list)) =
                rules.as_message().and_then(|r| r.get_field_by_name("cel")).map(|v| v.into_owned())
            else {
                continue;
            };
            let env = Environment::new(pool.clone())
                .with_variable("this", this.clone())
                .with_variable("rules", Type::Message(message.clone()))
                .with_variable("rule", Type::of_field(&field));
            for rule in list {
                let rule = rule.as_message().unwrap();
                let expression = rule.get_field_by_name("expression").unwrap().as_str().unwrap().to_string();
                let result = check(&expression, &env);
                assert!(
                    matches!(result, Ok(Type::Bool | Type::String)),
                    "{}: {expression}: {result:?}",
                    field.full_name()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} standard rules found");
}

/// Inputs at cel-go's limits end in its errors, never in a stack overflow: long
/// chains of one operator, balanced `&&`/`||` chains, and the length limit.
#[test]
fn limits_are_cel_gos_and_deep_input_is_safe() {
    let env = user_env(&pool());
    let chain = format!("1{} > 0", " + 1".repeat(20_000));
    assert_eq!(messages(check(&chain, &env)), vec!["max recursion depth exceeded"]);
    let logical = vec!["this.name == 'a'"; 5_000].join(" || ");
    assert_eq!(messages(check(&logical, &env)), vec!["ok: bool"]);
    let mixed = ["this.name"; 3].join(" || ");
    assert_eq!(
        messages(check(&mixed, &env)),
        vec!["expected type 'bool' but found 'string'"],
        "one error per operand, deduplicated"
    );
    let nested = format!("{}true{}", "(".repeat(300), ")".repeat(300));
    assert_eq!(messages(check(&nested, &env)), vec!["expression recursion limit exceeded: 250"]);
    let long = format!("'{}' == this.name", "a".repeat(100_000));
    assert_eq!(
        messages(check(&long, &env)),
        vec!["expression code point size exceeds limit: size: 100015, limit 100000"]
    );
}
