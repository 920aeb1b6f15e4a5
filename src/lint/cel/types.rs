//! CEL types as cel-go's checker sees them, and the mapping from protobuf fields.

use std::collections::HashMap;
use std::fmt;

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};

/// A CEL type. `Var` is a type variable of the checker (an overload's type
/// parameter or the element of an empty list), bound in a [`Mapping`].
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Bool,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    Null,
    Timestamp,
    Duration,
    Any,
    Dyn,
    Error,
    List(Box<Type>),
    Map(Box<Type>, Box<Type>),
    /// A protobuf message other than the well-known types CEL maps to its own.
    Message(MessageDescriptor),
    /// `google.protobuf.Int32Value` and friends: the primitive, or null.
    Wrapper(Box<Type>),
    /// The type of a type name (`int`, `acme.v1.User`).
    Type(Box<Type>),
    Var(u32),
}

impl fmt::Display for Type {
    /// cel-go's `FormatCELType`, which buf prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Uint => f.write_str("uint"),
            Type::Double => f.write_str("double"),
            Type::String => f.write_str("string"),
            Type::Bytes => f.write_str("bytes"),
            Type::Null => f.write_str("null"),
            Type::Timestamp => f.write_str("timestamp"),
            Type::Duration => f.write_str("duration"),
            Type::Any => f.write_str("any"),
            Type::Dyn => f.write_str("dyn"),
            Type::Error => f.write_str("*error*"),
            Type::List(element) => write!(f, "list({element})"),
            Type::Map(key, value) => write!(f, "map({key}, {value})"),
            Type::Message(message) => f.write_str(message.full_name()),
            Type::Wrapper(primitive) => write!(f, "wrapper({primitive})"),
            Type::Type(of) => write!(f, "type({of})"),
            Type::Var(n) => write!(f, "_var{n}"),
        }
    }
}

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    pub fn map(key: Type, value: Type) -> Type {
        Type::Map(Box::new(key), Box::new(value))
    }

    /// The type of a message-typed value: the well-known types CEL treats as its own.
    pub fn of_message(message: &MessageDescriptor) -> Type {
        match message.full_name() {
            "google.protobuf.Timestamp" => Type::Timestamp,
            "google.protobuf.Duration" => Type::Duration,
            "google.protobuf.Any" => Type::Any,
            "google.protobuf.Value" => Type::Dyn,
            "google.protobuf.ListValue" => Type::list(Type::Dyn),
            "google.protobuf.Struct" => Type::map(Type::String, Type::Dyn),
            "google.protobuf.BoolValue" => Type::Wrapper(Box::new(Type::Bool)),
            "google.protobuf.BytesValue" => Type::Wrapper(Box::new(Type::Bytes)),
            "google.protobuf.DoubleValue" | "google.protobuf.FloatValue" => Type::Wrapper(Box::new(Type::Double)),
            "google.protobuf.Int32Value" | "google.protobuf.Int64Value" => Type::Wrapper(Box::new(Type::Int)),
            "google.protobuf.StringValue" => Type::Wrapper(Box::new(Type::String)),
            "google.protobuf.UInt32Value" | "google.protobuf.UInt64Value" => Type::Wrapper(Box::new(Type::Uint)),
            _ => Type::Message(message.clone()),
        }
    }

    /// The type of a field's value: lists and maps of their elements, enums as int.
    pub fn of_field(field: &FieldDescriptor) -> Type {
        if field.is_map() {
            let Kind::Message(entry) = field.kind() else { return Type::Dyn };
            return Type::map(
                Type::of_kind(&entry.map_entry_key_field().kind()),
                Type::of_kind(&entry.map_entry_value_field().kind()),
            );
        }
        let element = Type::of_kind(&field.kind());
        if field.is_list() { Type::list(element) } else { element }
    }

    pub fn of_kind(kind: &Kind) -> Type {
        match kind {
            Kind::Double | Kind::Float => Type::Double,
            Kind::Int32
            | Kind::Int64
            | Kind::Sint32
            | Kind::Sint64
            | Kind::Sfixed32
            | Kind::Sfixed64
            | Kind::Enum(_) => Type::Int,
            Kind::Uint32 | Kind::Uint64 | Kind::Fixed32 | Kind::Fixed64 => Type::Uint,
            Kind::Bool => Type::Bool,
            Kind::String => Type::String,
            Kind::Bytes => Type::Bytes,
            Kind::Message(message) => Type::of_message(message),
        }
    }

    /// Types that accept `null`, as cel-go's checker keeps them.
    fn nullable(&self) -> bool {
        matches!(self, Type::Null | Type::Message(_) | Type::Any | Type::Timestamp | Type::Duration | Type::Wrapper(_))
    }
}

/// Bindings of type variables, and the supply of fresh ones.
#[derive(Clone, Default)]
pub struct Mapping {
    bound: HashMap<u32, Type>,
    next: u32,
}

impl Mapping {
    pub fn fresh(&mut self) -> Type {
        let var = Type::Var(self.next);
        self.next += 1;
        var
    }

    /// `ty` with every bound variable replaced; unbound ones become `dyn` when
    /// `free_to_dyn`.
    pub fn substitute(&self, ty: &Type, free_to_dyn: bool) -> Type {
        match ty {
            Type::Var(n) => match self.bound.get(n) {
                Some(bound) => self.substitute(bound, free_to_dyn),
                None if free_to_dyn => Type::Dyn,
                None => ty.clone(),
            },
            Type::List(element) => Type::list(self.substitute(element, free_to_dyn)),
            Type::Map(key, value) => Type::map(self.substitute(key, free_to_dyn), self.substitute(value, free_to_dyn)),
            Type::Wrapper(primitive) => Type::Wrapper(Box::new(self.substitute(primitive, free_to_dyn))),
            Type::Type(of) => Type::Type(Box::new(self.substitute(of, free_to_dyn))),
            other => other.clone(),
        }
    }

    fn occurs(&self, var: u32, ty: &Type) -> bool {
        match self.substitute(ty, false) {
            Type::Var(n) => n == var,
            Type::List(element) => self.occurs(var, &element),
            Type::Map(key, value) => self.occurs(var, &key) || self.occurs(var, &value),
            Type::Type(of) | Type::Wrapper(of) => self.occurs(var, &of),
            _ => false,
        }
    }

    /// Whether a value of type `from` may be used where `to` is expected, binding
    /// variables on the way (cel-go's `internalIsAssignable`, in its essentials).
    pub fn assignable(&mut self, to: &Type, from: &Type) -> bool {
        let to = self.substitute(to, false);
        let from = self.substitute(from, false);
        match (&to, &from) {
            (Type::Var(a), Type::Var(b)) if a == b => true,
            (Type::Var(var), other) | (other, Type::Var(var)) => {
                if self.occurs(*var, other) {
                    return false;
                }
                self.bound.insert(*var, other.clone());
                true
            }
            // protovalidate-go declares `google.protobuf.Any` fields as dyn values.
            (Type::Dyn | Type::Error | Type::Any, _) | (_, Type::Dyn | Type::Error | Type::Any) => true,
            (Type::Null, other) | (other, Type::Null) => other.nullable(),
            (Type::Wrapper(a), Type::Wrapper(b)) => self.assignable(a, b),
            (Type::Wrapper(primitive), other) | (other, Type::Wrapper(primitive)) => self.assignable(primitive, other),
            (Type::List(a), Type::List(b)) => self.assignable(a, b),
            (Type::Map(ka, va), Type::Map(kb, vb)) => self.assignable(ka, kb) && self.assignable(va, vb),
            (Type::Type(_), Type::Type(_)) => true,
            (Type::Message(a), Type::Message(b)) => a.full_name() == b.full_name(),
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }
}
