//! The renderer's options: gnostic protoc-gen-openapi's, spelled and parsed as it
//! parses them (Go `flag` syntax: booleans `1`, `t`, `true`, `TRUE`, `True`, ...),
//! plus idl's own `errors` and `format`. They come from `--opt KEY=VALUE` and from
//! `[openapi]` in idl.toml; the command line wins.

use crate::api::Model;

/// `naming`: how properties and parameters are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// The JSON name (`displayName`), gnostic's default.
    Json,
    /// The proto field name (`display_name`).
    Proto,
}

/// `enum_type`: how enum fields are described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumType {
    Integer,
    String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// One `openapi.yaml` for every target file.
    Merged,
    /// `<file>.openapi.yaml` per target file.
    SourceRelative,
}

/// `format`: which OpenAPI version is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// OpenAPI 3.0.3, gnostic's document.
    OpenApi3,
    /// Swagger 2.0, for teams on grpc-gateway's `protoc-gen-openapiv2`.
    Swagger2,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub version: String,
    pub title: String,
    pub description: String,
    pub naming: Naming,
    pub fq_schema_naming: bool,
    pub enum_type: EnumType,
    /// `depth`: how often a recursive message's fields are expanded into query parameters.
    pub depth: i64,
    pub default_response: bool,
    pub output_mode: OutputMode,
    /// `errors`: Kratos error responses from the error table; `None` means on when
    /// the workspace declares error enums.
    pub errors: Option<bool>,
    pub format: Format,
    /// Write JSON instead of YAML (chosen by the output file's extension).
    pub json: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            version: "0.0.1".into(),
            title: String::new(),
            description: String::new(),
            naming: Naming::Json,
            fq_schema_naming: false,
            enum_type: EnumType::Integer,
            depth: 2,
            default_response: true,
            output_mode: OutputMode::Merged,
            errors: None,
            format: Format::OpenApi3,
            json: false,
        }
    }
}

/// Every key `--opt` and `[openapi]` accept.
pub const KEYS: [&str; 11] = [
    "version",
    "title",
    "description",
    "naming",
    "fq_schema_naming",
    "enum_type",
    "depth",
    "default_response",
    "output_mode",
    "errors",
    "format",
];

/// A boolean as Go's `strconv.ParseBool` (what `flag.Bool` uses) reads it.
fn go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

impl Options {
    /// Applies one `KEY=VALUE`; the `Err` says what is wrong, naming the key.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let bad_bool = || format!("invalid boolean value {value:?} for option {key}: use true or false");
        match key {
            "version" => self.version = value.to_string(),
            "title" => self.title = value.to_string(),
            "description" => self.description = value.to_string(),
            "naming" => {
                self.naming = match value {
                    "json" => Naming::Json,
                    "proto" => Naming::Proto,
                    _ => return Err(format!("invalid value {value:?} for option naming: use json or proto")),
                }
            }
            "fq_schema_naming" => self.fq_schema_naming = go_bool(value).ok_or_else(bad_bool)?,
            "enum_type" => {
                self.enum_type = match value {
                    "integer" => EnumType::Integer,
                    "string" => EnumType::String,
                    _ => return Err(format!("invalid value {value:?} for option enum_type: use integer or string")),
                }
            }
            "depth" => {
                self.depth = value.parse::<i64>().ok().filter(|d| *d >= 0).ok_or_else(|| {
                    format!("invalid value {value:?} for option depth: use a whole number (0 or more)")
                })?
            }
            "default_response" => self.default_response = go_bool(value).ok_or_else(bad_bool)?,
            "output_mode" => {
                self.output_mode = match value {
                    "merged" => OutputMode::Merged,
                    "source_relative" => OutputMode::SourceRelative,
                    _ => {
                        return Err(format!(
                            "invalid value {value:?} for option output_mode: use merged or source_relative"
                        ));
                    }
                }
            }
            "errors" => self.errors = Some(go_bool(value).ok_or_else(bad_bool)?),
            "format" => {
                self.format = match value {
                    "openapi3" | "openapi" | "v3" => Format::OpenApi3,
                    "swagger2" | "swagger" | "v2" => Format::Swagger2,
                    _ => return Err(format!("invalid value {value:?} for option format: use openapi3 or swagger2")),
                }
            }
            _ => return Err(format!("unknown option {key:?}; known options: {}", KEYS.join(", "))),
        }
        Ok(())
    }

    /// Applies `KEY=VALUE` as given to `--opt` (or a comma-separated list of them,
    /// as protoc passes plugin parameters: `fq_schema_naming=true,default_response=false`).
    pub fn set_pair(&mut self, pair: &str) -> Result<(), String> {
        for item in pair.split(',').filter(|s| !s.is_empty()) {
            let Some((key, value)) = item.split_once('=') else {
                // Go's flag package lets a boolean flag stand alone.
                if matches!(item, "fq_schema_naming" | "default_response" | "errors") {
                    self.set(item, "true")?;
                    continue;
                }
                return Err(format!("option {item:?} is not KEY=VALUE"));
            };
            self.set(key.trim(), value)?;
        }
        Ok(())
    }

    /// Whether Kratos error responses are added.
    pub fn errors_enabled(&self, model: &Model<'_>) -> bool {
        self.errors.unwrap_or(!model.errors.is_empty())
    }
}

/// A TOML value of `[openapi]` as the text `--opt` would give.
pub fn toml_value_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        toml::Value::Integer(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gnostic_options() {
        let mut options = Options::default();
        options.set_pair("fq_schema_naming=true,default_response=false").unwrap();
        assert!(options.fq_schema_naming && !options.default_response);
        options.set_pair("fq_schema_naming=0").unwrap();
        assert!(!options.fq_schema_naming);
        options.set("naming", "proto").unwrap();
        assert_eq!(options.naming, Naming::Proto);
        assert!(options.set("naming", "camel").unwrap_err().contains("json or proto"));
        assert!(options.set("depth", "x").is_err());
        assert!(options.set("colour", "x").unwrap_err().contains("unknown option"));
        assert!(options.set("default_response", "yes").is_err());
    }
}
