//! Type checking of CEL expressions, as cel-go's checker does it for buf's
//! PROTOVALIDATE rule.
//!
//! The `cel` crate (cel-rust) parses: its ANTLR grammar is cel-go's, with the same
//! macro expansion (`has`, `all`, `exists`, `exists_one`, `map`, `filter`) and the
//! same syntax error texts. No Rust crate type-checks CEL, so the checker is here:
//! it walks the parsed AST with the variables an [`Environment`] declares (built
//! from descriptors), CEL's standard declarations and protovalidate's functions
//! (`decls.rs`), and reports what cel-go reports, in cel-go's words (without the
//! `ERROR: <input>:1:6:` prefix, which buf drops too).
//!
//! One entry point: [`check`].

mod decls;
mod types;

use std::collections::{HashMap, HashSet};

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};
use cel::parser::Parser;
use prost_reflect::{DescriptorPool, MessageDescriptor};

use decls::{Overload, PARAM_A, PARAM_K, PARAM_V, functions};
use types::Mapping;
pub use types::Type;

/// One problem in an expression: cel-go's message and where it is (byte offset
/// into the expression, when known).
#[derive(Clone, Debug, PartialEq)]
pub struct CelError {
    pub offset: Option<usize>,
    pub message: String,
}

/// What an expression may refer to: its variables (`this`, `now`, `rules`,
/// `rule`) and the message types of the pool (for type names and literals).
pub struct Environment {
    variables: Vec<(String, Type)>,
    pool: DescriptorPool,
    /// The files whose messages and enum values expressions may name: those of
    /// the registered types and their imports, as cel-go registers a type.
    visible_files: HashSet<String>,
}

impl Environment {
    /// An environment with `now` (protovalidate declares it for every rule) and
    /// no message types registered.
    pub fn new(pool: DescriptorPool) -> Environment {
        Environment { variables: vec![("now".to_string(), Type::Timestamp)], pool, visible_files: HashSet::new() }
    }

    /// Registers `message`'s type: the messages and enums of its file and of the
    /// files that file imports become nameable.
    pub fn with_types_of(mut self, message: &MessageDescriptor) -> Environment {
        let mut pending = vec![message.parent_file()];
        while let Some(file) = pending.pop() {
            if self.visible_files.insert(file.name().to_string()) {
                pending.extend(file.dependencies());
            }
        }
        self
    }

    pub fn with_variable(mut self, name: &str, ty: Type) -> Environment {
        self.variables.retain(|(known, _)| known != name);
        self.variables.push((name.to_string(), ty));
        self
    }
}

/// The type of `this` in the predefined rules of a `buf.validate.*Rules` message
/// (`StringRules` apply to strings, `RepeatedRules` to lists, ...).
pub fn predefined_this(rules: &MessageDescriptor) -> Option<Type> {
    if rules.package_name() != "buf.validate" {
        return None;
    }
    let pool = rules.parent_pool();
    let message = |name: &str| pool.get_message_by_name(name).map(|m| Type::of_message(&m)).unwrap_or(Type::Dyn);
    Some(match rules.name() {
        "FloatRules" | "DoubleRules" => Type::Double,
        "Int32Rules" | "Int64Rules" | "SInt32Rules" | "SInt64Rules" | "SFixed32Rules" | "SFixed64Rules"
        | "EnumRules" => Type::Int,
        "UInt32Rules" | "UInt64Rules" | "Fixed32Rules" | "Fixed64Rules" => Type::Uint,
        "BoolRules" => Type::Bool,
        "StringRules" => Type::String,
        "BytesRules" => Type::Bytes,
        "RepeatedRules" => Type::list(Type::Dyn),
        "MapRules" => Type::map(Type::Dyn, Type::Dyn),
        "DurationRules" => Type::Duration,
        "TimestampRules" => Type::Timestamp,
        "AnyRules" => message("google.protobuf.Any"),
        "FieldMaskRules" => message("google.protobuf.FieldMask"),
        _ => return None,
    })
}

/// The outcome of checking one expression: its type, or the errors that made
/// it fail to compile.
pub type Checked = Result<Type, Vec<CelError>>;

/// Parses and type-checks `expression` in `environment`.
pub fn check(expression: &str, environment: &Environment) -> Checked {
    let size = expression.chars().count();
    if size > MAX_CODE_POINTS {
        let message = format!("expression code point size exceeds limit: size: {size}, limit {MAX_CODE_POINTS}");
        return Err(vec![CelError { offset: None, message }]);
    }
    // The parser recurses once per operator of a chain like `1 + 1 + ...`, deeper
    // than any stack for long ones; cel-go refuses them past its limit anyway.
    if nesting_bound(expression) > NESTING_BOUND_LIMIT {
        return Err(vec![CelError { offset: None, message: "max recursion depth exceeded".to_string() }]);
    }
    let parser = Parser::new().max_recursion_depth(MAX_RECURSION_DEPTH).enable_ident_escape_syntax(true);
    let (ast, info) = match parser.parse_with_source_info(expression) {
        Ok(parsed) => parsed,
        Err(errors) => return Err(syntax_errors(expression, &errors.errors)),
    };
    if deeper_than(&ast, usize::from(MAX_RECURSION_DEPTH)) {
        return Err(vec![CelError { offset: None, message: "max recursion depth exceeded".to_string() }]);
    }
    let mut checker = Checker {
        environment,
        mapping: Mapping::default(),
        scopes: Vec::new(),
        errors: Vec::new(),
        offset_of: &|id| info.offset_for(id).map(|(start, _)| start as usize),
        types: HashMap::new(),
    };
    let ty = checker.check(&ast);
    if checker.errors.is_empty() {
        Ok(checker.mapping.substitute(&ty, true))
    } else {
        let mut errors = checker.errors;
        errors.dedup();
        Err(errors)
    }
}

/// cel-go's default limit on an expression's length.
const MAX_CODE_POINTS: usize = 100_000;

/// cel-go's default limit on nesting, which protovalidate keeps.
const MAX_RECURSION_DEPTH: u16 = 250;

/// Past this [`nesting_bound`] an expression is refused unparsed: twice cel-go's
/// limit, so that only expressions cel-go refuses too are refused here.
const NESTING_BOUND_LIMIT: usize = 2 * MAX_RECURSION_DEPTH as usize;

/// A cheap bound, from the text, on how deeply an expression's tree nests:
/// brackets open, plus the operators chained within the innermost group (each
/// nests the chain one level; `&&` and `||` are left out, cel-go balances them).
fn nesting_bound(expression: &str) -> usize {
    let bytes = expression.as_bytes();
    let mut groups: Vec<usize> = vec![0];
    let mut bound = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'\'') => {
                let triple = bytes[i..].starts_with(&[quote; 3]);
                let close: &[u8] = if triple { &bytes[i..i + 3] } else { &bytes[i..i + 1] };
                i += close.len();
                while i < bytes.len() && !bytes[i..].starts_with(close) {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += close.len();
                continue;
            }
            b'(' | b'[' | b'{' => groups.push(0),
            b')' | b']' | b'}' if groups.len() > 1 => {
                groups.pop();
            }
            // Each operand of a list, call, `&&` or `||` nests on its own.
            b',' => *groups.last_mut().unwrap() = 0,
            b'&' | b'|' => *groups.last_mut().unwrap() = 0,
            b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' | b'=' | b'!' | b'.' | b'?' => {
                *groups.last_mut().unwrap() += 1;
            }
            b'i' if bytes[i..].starts_with(b"in ") => *groups.last_mut().unwrap() += 1,
            _ => {}
        }
        bound = bound.max(groups.len() + groups.last().copied().unwrap_or(0));
        i += 1;
    }
    bound
}

/// The parser's errors as cel-go words them: ANTLR's texts without the
/// `Syntax error: ` prefix (buf drops it), one error for a nesting that is too
/// deep (cel-go stops there), and none of the parser's notes on the incomplete
/// trees a syntax error leaves (`No `ExprContextAll`!`), which cel-go has not.
fn syntax_errors(expression: &str, errors: &[cel::parser::ParseError]) -> Vec<CelError> {
    if errors.iter().any(|error| error.msg.contains("Recursion limit of")) {
        let message = format!("expression recursion limit exceeded: {MAX_RECURSION_DEPTH}");
        return vec![CelError { offset: None, message }];
    }
    errors
        .iter()
        .filter(|error| !error.msg.starts_with("No `") && !error.msg.starts_with("Incomplete `"))
        .map(|error| CelError {
            offset: offset_of_position(expression, error.pos),
            message: error.msg.strip_prefix("Syntax error: ").unwrap_or(&error.msg).to_string(),
        })
        .collect()
}

/// The byte offset of a parser position (line from 1, column in characters from 1).
fn offset_of_position(expression: &str, (line, column): (isize, isize)) -> Option<usize> {
    let line_start = match usize::try_from(line).ok()?.checked_sub(1)? {
        0 => 0,
        n => expression.match_indices('\n').nth(n - 1)?.0 + 1,
    };
    let column = usize::try_from(column).ok()?.checked_sub(1)?;
    let rest = &expression[line_start..];
    Some(line_start + rest.char_indices().nth(column).map_or(rest.len(), |(i, _)| i))
}

fn is_logical(call: &cel::common::ast::CallExpr) -> bool {
    call.target.is_none() && call.args.len() == 2 && (call.func_name == "_&&_" || call.func_name == "_||_")
}

/// The operands of a chain of one logical operator (`a && b && c`), left to
/// right, found without recursion (the parser nests long chains deeply).
fn logical_operands<'e>(expr: &'e IdedExpr, operator: &str) -> Vec<&'e IdedExpr> {
    let mut operands = Vec::new();
    let mut pending = vec![expr];
    while let Some(next) = pending.pop() {
        match &next.expr {
            Expr::Call(call) if is_logical(call) && call.func_name == operator => {
                pending.push(&call.args[1]);
                pending.push(&call.args[0]);
            }
            _ => operands.push(next),
        }
    }
    operands
}

/// Whether `expr` nests more than `limit` levels (looking no deeper than that).
fn deeper_than(expr: &IdedExpr, limit: usize) -> bool {
    if let Expr::Call(call) = &expr.expr
        && is_logical(call)
    {
        // cel-go balances `a && b && c ...`: the chain is log2(n) deep.
        let operands = logical_operands(expr, &call.func_name);
        let levels = operands.len().next_power_of_two().trailing_zeros() as usize;
        return match limit.checked_sub(levels) {
            None | Some(0) => true,
            Some(below) => operands.into_iter().any(|operand| deeper_than(operand, below)),
        };
    }
    let children: Vec<&IdedExpr> = match &expr.expr {
        Expr::Call(call) => call.target.iter().map(|t| t.as_ref()).chain(&call.args).collect(),
        Expr::Select(select) => vec![&select.operand],
        Expr::List(list) => list.elements.iter().collect(),
        Expr::Map(map) => map
            .entries
            .iter()
            .flat_map(|entry| match &entry.expr {
                EntryExpr::MapEntry(entry) => vec![&entry.key, &entry.value],
                EntryExpr::StructField(field) => vec![&field.value],
            })
            .collect(),
        Expr::Struct(literal) => literal
            .entries
            .iter()
            .filter_map(|entry| match &entry.expr {
                EntryExpr::StructField(field) => Some(&field.value),
                EntryExpr::MapEntry(_) => None,
            })
            .collect(),
        Expr::Comprehension(comprehension) => vec![&comprehension.iter_range, &comprehension.loop_step],
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => Vec::new(),
    };
    match limit.checked_sub(1) {
        None => true,
        Some(below) => children.into_iter().any(|child| deeper_than(child, below)),
    }
}

struct Checker<'a> {
    environment: &'a Environment,
    mapping: Mapping,
    /// Comprehension variables, innermost last.
    scopes: Vec<(String, Type)>,
    errors: Vec<CelError>,
    offset_of: &'a dyn Fn(u64) -> Option<usize>,
    /// The type found for each expression, by id.
    types: HashMap<u64, Type>,
}

/// The names of CEL's own types, as identifiers.
fn builtin_type(name: &str) -> Option<Type> {
    Some(match name {
        "bool" => Type::Bool,
        "int" => Type::Int,
        "uint" => Type::Uint,
        "double" => Type::Double,
        "string" => Type::String,
        "bytes" => Type::Bytes,
        "null_type" => Type::Null,
        "list" => Type::list(Type::Dyn),
        "map" => Type::map(Type::Dyn, Type::Dyn),
        "type" => Type::Type(Box::new(Type::Dyn)),
        "dyn" => Type::Dyn,
        "google.protobuf.Timestamp" => Type::Timestamp,
        "google.protobuf.Duration" => Type::Duration,
        _ => return None,
    })
}

impl Checker<'_> {
    fn error(&mut self, id: u64, message: String) {
        let offset = (self.offset_of)(id);
        self.errors.push(CelError { offset, message });
    }

    fn undeclared(&mut self, id: u64, name: &str) {
        self.error(id, format!("undeclared reference to '{name}' (in container '')"));
    }

    /// A registered message type by full name.
    fn message(&self, name: &str) -> Option<MessageDescriptor> {
        let message = self.environment.pool.get_message_by_name(name.strip_prefix('.').unwrap_or(name))?;
        self.environment.visible_files.contains(message.parent_file().name()).then_some(message)
    }

    /// A value of a registered enum (`acme.v1.Kind.KIND_BOOK`) is an int constant.
    fn enum_value(&self, name: &str) -> Option<Type> {
        let (enum_name, value) = name.rsplit_once('.')?;
        let enum_ = self.environment.pool.get_enum_by_name(enum_name)?;
        (self.environment.visible_files.contains(enum_.parent_file().name())
            && enum_.get_value_by_name(value).is_some())
        .then_some(Type::Int)
    }

    /// A variable, comprehension variable or type name.
    fn lookup_ident(&self, name: &str) -> Option<Type> {
        if let Some((_, ty)) = self.scopes.iter().rev().find(|(known, _)| known == name) {
            return Some(ty.clone());
        }
        if let Some((_, ty)) = self.environment.variables.iter().find(|(known, _)| known == name) {
            return Some(ty.clone());
        }
        let name = name.strip_prefix('.').unwrap_or(name);
        if let Some(ty) = builtin_type(name) {
            return Some(Type::Type(Box::new(ty)));
        }
        if let Some(value) = self.enum_value(name) {
            return Some(value);
        }
        self.message(name).map(|message| Type::Type(Box::new(Type::of_message(&message))))
    }

    fn check(&mut self, expr: &IdedExpr) -> Type {
        let ty = self.check_kind(expr);
        self.types.insert(expr.id, ty.clone());
        ty
    }

    fn check_kind(&mut self, expr: &IdedExpr) -> Type {
        match &expr.expr {
            Expr::Unspecified => Type::Error,
            Expr::Literal(literal) => match literal {
                LiteralValue::Boolean(_) => Type::Bool,
                LiteralValue::Bytes(_) => Type::Bytes,
                LiteralValue::Double(_) => Type::Double,
                LiteralValue::Int(_) => Type::Int,
                LiteralValue::Null => Type::Null,
                LiteralValue::String(_) => Type::String,
                LiteralValue::UInt(_) => Type::Uint,
            },
            Expr::Ident(name) => match self.lookup_ident(name) {
                Some(ty) => ty,
                None => {
                    self.undeclared(expr.id, name);
                    Type::Error
                }
            },
            Expr::Select(select) => {
                if !select.test
                    && let Some(segments) = qualified_name(&expr.expr)
                    && let Some(ty) = self.lookup_ident(&segments)
                {
                    return ty;
                }
                let result = self.check_select_field(expr.id, &select.operand, &select.field);
                if select.test { Type::Bool } else { self.mapping.substitute(&result, false) }
            }
            Expr::Call(call) if is_logical(call) => {
                let operands = logical_operands(expr, &call.func_name);
                let types: Vec<Type> = operands.iter().map(|operand| self.check(operand)).collect();
                self.resolve_logical(expr.id, &types)
            }
            Expr::Call(call) => {
                let arg_types: Vec<Type> = call.args.iter().map(|arg| self.check(arg)).collect();
                let Some(target) = &call.target else {
                    let Some(overloads) = functions().get(call.func_name.as_str()) else {
                        self.undeclared(expr.id, &call.func_name);
                        return Type::Error;
                    };
                    return self.resolve(expr.id, &call.func_name, overloads, None, arg_types);
                };
                if let Some(prefix) = qualified_name(&target.expr) {
                    let qualified = format!("{prefix}.{}", call.func_name);
                    if let Some(overloads) = functions().get(qualified.as_str()) {
                        return self.resolve(expr.id, &qualified, overloads, None, arg_types);
                    }
                }
                let target_type = self.check(target);
                if call.func_name == "format"
                    && let Some(format) = string_literal(target)
                    && let [argument] = call.args.as_slice()
                    && let Expr::List(list) = &argument.expr
                {
                    let element_types: Vec<Type> = list
                        .elements
                        .iter()
                        .map(|element| self.types.get(&element.id).cloned().unwrap_or(Type::Dyn))
                        .map(|ty| self.mapping.substitute(&ty, false))
                        .collect();
                    if let Some(message) = format_clause_error(&format, &element_types) {
                        self.error(expr.id, message);
                    }
                }
                match functions().get(call.func_name.as_str()) {
                    Some(overloads) => self.resolve(expr.id, &call.func_name, overloads, Some(target_type), arg_types),
                    None => {
                        self.undeclared(expr.id, &call.func_name);
                        Type::Error
                    }
                }
            }
            Expr::List(list) => {
                let mut element: Option<Type> = None;
                for item in &list.elements {
                    let ty = self.check(item);
                    element = Some(self.join(element, ty));
                }
                let element = element.unwrap_or_else(|| self.mapping.fresh());
                Type::list(element)
            }
            Expr::Map(map) => {
                let (mut key, mut value): (Option<Type>, Option<Type>) = (None, None);
                for entry in &map.entries {
                    let EntryExpr::MapEntry(entry) = &entry.expr else { continue };
                    let key_type = self.check(&entry.key);
                    key = Some(self.join(key, key_type));
                    let value_type = self.check(&entry.value);
                    value = Some(self.join(value, value_type));
                }
                let key = key.unwrap_or_else(|| self.mapping.fresh());
                let value = value.unwrap_or_else(|| self.mapping.fresh());
                Type::map(key, value)
            }
            Expr::Struct(literal) => self.check_struct(expr.id, &literal.type_name, &literal.entries),
            Expr::Comprehension(comprehension) => {
                let range = self.check(&comprehension.iter_range);
                let accumulator = self.check(&comprehension.accu_init);
                let range = self.mapping.substitute(&range, false);
                let (var, var2) = match &range {
                    Type::List(element) => (Type::Int, (**element).clone()),
                    Type::Map(key, value) => ((**key).clone(), (**value).clone()),
                    Type::Dyn | Type::Error | Type::Var(_) => {
                        self.mapping.assignable(&Type::Dyn, &range);
                        (Type::Dyn, Type::Dyn)
                    }
                    other => {
                        self.error(
                            comprehension.iter_range.id,
                            format!(
                                "expression of type '{other}' cannot be range of a comprehension (must be list, map, or dynamic)"
                            ),
                        );
                        (Type::Error, Type::Error)
                    }
                };
                // With one variable a list's is its element, a map's its key.
                let var = if comprehension.iter_var2.is_none() && matches!(range, Type::List(_)) {
                    var2.clone()
                } else {
                    var
                };
                let depth = self.scopes.len();
                self.scopes.push((comprehension.accu_var.clone(), accumulator.clone()));
                self.scopes.push((comprehension.iter_var.clone(), var));
                if let Some(second) = &comprehension.iter_var2 {
                    self.scopes.push((second.clone(), var2));
                }
                let condition = self.check(&comprehension.loop_cond);
                self.assert_type(comprehension.loop_cond.id, &Type::Bool, &condition);
                let step = self.check(&comprehension.loop_step);
                self.assert_type(comprehension.loop_step.id, &accumulator, &step);
                self.scopes.truncate(depth + 1);
                let result = self.check(&comprehension.result);
                self.scopes.truncate(depth);
                self.mapping.substitute(&result, false)
            }
        }
    }

    /// `&&` and `||` take bools (or dyn): each other argument is a type mismatch,
    /// as cel-go's checker reports it for the logical operators.
    fn resolve_logical(&mut self, id: u64, args: &[Type]) -> Type {
        let mut failed = false;
        for arg in args {
            if !self.mapping.assignable(&Type::Bool, arg) {
                let found = self.mapping.substitute(arg, true);
                self.error(id, format!("expected type 'bool' but found '{found}'"));
                failed = true;
            }
        }
        if failed { Type::Error } else { Type::Bool }
    }

    fn assert_type(&mut self, id: u64, expected: &Type, actual: &Type) {
        if !self.mapping.assignable(expected, actual) {
            let expected = self.mapping.substitute(expected, true);
            let actual = self.mapping.substitute(actual, true);
            self.error(id, format!("expected type '{expected}' but found '{actual}'"));
        }
    }

    /// The element type of a list or map literal so far, joined with the next
    /// element's: mixed literals are `dyn`, as cel-go's default allows.
    fn join(&mut self, previous: Option<Type>, current: Type) -> Type {
        let Some(previous) = previous else { return current };
        let mut attempt = self.mapping.clone();
        if attempt.assignable(&previous, &current) {
            self.mapping = attempt;
            if matches!(previous, Type::Dyn) || matches!(current, Type::Dyn) { Type::Dyn } else { previous }
        } else {
            Type::Dyn
        }
    }

    fn check_select_field(&mut self, id: u64, operand: &IdedExpr, field: &str) -> Type {
        let operand_type = self.check(operand);
        let operand_type = self.mapping.substitute(&operand_type, false);
        match &operand_type {
            Type::Map(_, value) => (**value).clone(),
            Type::Message(message) => match message.get_field_by_name(field) {
                Some(field) => Type::of_field(&field),
                None => {
                    self.error(id, format!("undefined field '{field}'"));
                    Type::Error
                }
            },
            Type::Var(_) => {
                self.mapping.assignable(&Type::Dyn, &operand_type);
                Type::Dyn
            }
            // protovalidate resolves `google.protobuf.Any` fields itself.
            Type::Dyn | Type::Error | Type::Any => Type::Dyn,
            other => {
                self.error(id, format!("type '{other}' does not support field selection"));
                Type::Dyn
            }
        }
    }

    fn check_struct(&mut self, id: u64, type_name: &str, entries: &[cel::common::ast::IdedEntryExpr]) -> Type {
        let message = self.message(type_name);
        let Some(message) = message else {
            for entry in entries {
                if let EntryExpr::StructField(field) = &entry.expr {
                    self.check(&field.value);
                }
            }
            self.undeclared(id, type_name);
            return Type::Error;
        };
        for entry in entries {
            let EntryExpr::StructField(field) = &entry.expr else { continue };
            let value = self.check(&field.value);
            match message.get_field_by_name(&field.field) {
                Some(descriptor) => {
                    let expected = Type::of_field(&descriptor);
                    if !self.mapping.assignable(&expected, &value) {
                        self.error(
                            entry.id,
                            format!(
                                "expected type of field '{}' is '{}' but provided type is '{}'",
                                field.field, expected, value
                            ),
                        );
                    }
                }
                None => self.error(entry.id, format!("undefined field '{}'", field.field)),
            }
        }
        Type::of_message(&message)
    }

    /// Overload resolution (cel-go's `resolveOverload`): the first matching
    /// overload gives the result type; several with different results give `dyn`.
    fn resolve(&mut self, id: u64, name: &str, overloads: &[Overload], target: Option<Type>, args: Vec<Type>) -> Type {
        let member = target.is_some();
        if !member && (name == "_&&_" || name == "_||_") {
            return self.resolve_logical(id, &args);
        }
        let arg_types: Vec<Type> = target.into_iter().chain(args).collect();
        let mut result: Option<Type> = None;
        for overload in overloads.iter().filter(|overload| overload.member == member) {
            if overload.params.len() != arg_types.len() {
                continue;
            }
            let mut attempt = self.mapping.clone();
            let mut params: HashMap<u32, Type> = HashMap::new();
            let mut instantiate = |ty: &Type, mapping: &mut Mapping| instantiate(ty, &mut params, mapping);
            let param_types: Vec<Type> = overload.params.iter().map(|ty| instantiate(ty, &mut attempt)).collect();
            let result_type = instantiate(&overload.result, &mut attempt);
            if param_types.iter().zip(&arg_types).all(|(param, arg)| attempt.assignable(param, arg)) {
                self.mapping = attempt;
                let result_type = self.mapping.substitute(&result_type, false);
                result = Some(match result {
                    None => result_type,
                    Some(Type::Dyn) => Type::Dyn,
                    Some(previous) if previous == result_type => previous,
                    Some(_) => Type::Dyn,
                });
            }
        }
        match result {
            Some(ty) => ty,
            None => {
                let shown: Vec<String> =
                    arg_types.iter().map(|ty| self.mapping.substitute(ty, true).to_string()).collect();
                let applied = if member {
                    format!("{}.({})", shown[0], shown[1..].join(", "))
                } else {
                    format!("({})", shown.join(", "))
                };
                self.error(id, format!("found no matching overload for '{name}' applied to '{applied}'"));
                Type::Error
            }
        }
    }
}

/// The dotted name an identifier, or field selections on one, spell (`a.b.c`).
fn qualified_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Ident(name) => Some(name.clone()),
        Expr::Select(select) if !select.test => {
            qualified_name(&select.operand.expr).map(|prefix| format!("{prefix}.{}", select.field))
        }
        _ => None,
    }
}

/// The string a literal expression spells, if it is one.
fn string_literal(expr: &IdedExpr) -> Option<String> {
    match &expr.expr {
        Expr::Literal(LiteralValue::String(text)) => Some(text.inner().to_string()),
        _ => None,
    }
}

/// The name cel-go's format validation gives a type, and whether it is known
/// well enough to judge (dyn, type variables and errors are not).
fn format_type_name(ty: &Type) -> Option<String> {
    Some(match ty {
        Type::Wrapper(primitive) => return format_type_name(primitive),
        Type::Dyn | Type::Var(_) | Type::Error | Type::Any => return None,
        Type::Null => "null_type".to_string(),
        Type::List(_) => "list".to_string(),
        Type::Map(_, _) => "map".to_string(),
        Type::Timestamp => "google.protobuf.Timestamp".to_string(),
        Type::Duration => "google.protobuf.Duration".to_string(),
        Type::Type(_) => "type".to_string(),
        other => other.to_string(),
    })
}

/// cel-go's static check of `'...'.format([...])` with a literal format string
/// and a list literal: each clause must accept its argument's type (the texts are
/// those of the string extension's formatter).
fn format_clause_error(format: &str, args: &[Type]) -> Option<String> {
    let mut chars = format.chars().peekable();
    let mut index = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            continue;
        }
        if chars.peek() == Some(&'.') {
            chars.next();
            while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                chars.next();
            }
        }
        let verb = chars.next()?;
        if !matches!(verb, 's' | 'd' | 'f' | 'e' | 'b' | 'x' | 'X' | 'o') {
            return Some(format!(
                "could not parse formatting clause: unrecognized formatting clause {}",
                go_quote(&verb.to_string())
            ));
        }
        let Some(arg) = args.get(index) else { return Some(format!("index {index} out of range")) };
        index += 1;
        let Some(name) = format_type_name(arg) else { continue };
        let base = match arg {
            Type::Wrapper(primitive) => primitive.as_ref(),
            other => other,
        };
        let number = matches!(base, Type::Int | Type::Uint | Type::Double);
        let accepted = match verb {
            's' => (
                !matches!(base, Type::Message(_)),
                "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps",
            ),
            'd' => (number, "decimal clause can only be used on ints, uints, and doubles"),
            'f' => (number, "fixed-point clause can only be used on ints, uints, and doubles"),
            'e' => (number, "scientific clause can only be used on ints, uints, and doubles"),
            'b' => (
                matches!(base, Type::Int | Type::Uint | Type::Bool),
                "only ints, uints, and bools can be formatted as binary",
            ),
            'x' | 'X' => (
                matches!(base, Type::Int | Type::Uint | Type::Bytes | Type::String),
                "only ints, uints, bytes, and strings can be formatted as hex",
            ),
            'o' => (matches!(base, Type::Int | Type::Uint), "octal clause can only be used on ints and uints"),
            _ => unreachable!("verbs are checked above"),
        };
        if !accepted.0 {
            return Some(format!("error during formatting: {}, was given {name}", accepted.1));
        }
    }
    None
}

/// Go's `%q` of a short text.
fn go_quote(text: &str) -> String {
    format!("{text:?}")
}

/// `ty` with the declaration's type parameters replaced by fresh variables (the
/// same variable for each use of one parameter within an overload).
fn instantiate(ty: &Type, params: &mut HashMap<u32, Type>, mapping: &mut Mapping) -> Type {
    match ty {
        Type::Var(n) if [PARAM_A, PARAM_K, PARAM_V].contains(n) => {
            params.entry(*n).or_insert_with(|| mapping.fresh()).clone()
        }
        Type::List(element) => Type::list(instantiate(element, params, mapping)),
        Type::Map(key, value) => Type::map(instantiate(key, params, mapping), instantiate(value, params, mapping)),
        Type::Type(of) => Type::Type(Box::new(instantiate(of, params, mapping))),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests;
