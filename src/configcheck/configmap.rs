//! Kubernetes ConfigMaps that carry a service's config as one `data` entry
//! (`config.yaml: |` followed by the YAML). The embedded document is read on its
//! own and its positions mapped back into the manifest: a literal block (`|`,
//! `|-`, `|+`) keeps its lines one for one, shifted by the block's indentation, so
//! every finding lands on its own line and column of the manifest; for other
//! styles (quoted, folded) findings point at the start of the value.

use saphyr::ScalarStyle;
use saphyr_parser::Marker;

use super::yaml::{self, Locator, Node, Value};
use super::{CONFIGMAP_RULE, SYNTAX_RULE};
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// Whether a document is a Kubernetes object (`apiVersion` and `kind`) rather
/// than a config.
pub fn is_manifest(document: &Node) -> bool {
    document.get("apiVersion").is_some() && document.get("kind").and_then(Node::as_str).is_some()
}

pub fn is_configmap(document: &Node) -> bool {
    document.get("kind").and_then(Node::as_str) == Some("ConfigMap")
}

/// The documents embedded under `data.<key>` of a ConfigMap; without a key, the
/// ConfigMap's only `data` entry.
pub fn embedded(file: &SourceFile, configmap: &Node, key: Option<&str>) -> Result<Vec<Node>, Box<Diagnostic>> {
    let name = configmap.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str).unwrap_or("(unnamed)");
    let at = |node: &Node, message: String| {
        Box::new(Diagnostic::error(CONFIGMAP_RULE, message).with_span(file, node.span.start, node.span.start))
    };
    let Some(data) = configmap.get("data") else {
        return Err(at(configmap, format!("ConfigMap `{name}` has no `data`")));
    };
    let Value::Map(entries) = &data.value else {
        return Err(at(data, format!("`data` of ConfigMap `{name}` is not a mapping")));
    };
    let keys: Vec<String> = entries.iter().filter_map(|(k, _)| k.key_text()).collect();
    let value = match key {
        Some(key) => data.get(key).ok_or_else(|| {
            at(data, format!("ConfigMap `{name}` has no data key `{key}` (its keys: {})", keys.join(", ")))
        })?,
        None => match entries.as_slice() {
            [(_, value)] => value,
            _ => {
                return Err(at(
                    data,
                    format!(
                        "ConfigMap `{name}` has {} data keys ({}); say which holds the config with --configmap-key or [config] configmap_key",
                        keys.len(),
                        keys.join(", ")
                    ),
                ));
            }
        },
    };
    let Value::Str(scalar) = &value.value else {
        return Err(at(value, format!("the data entry of ConfigMap `{name}` is not a string")));
    };
    let locator: Box<dyn Locator> = match scalar.style {
        ScalarStyle::Literal => Box::new(BlockLocator::new(file, value.span.start)),
        _ => Box::new(FixedLocator(value.span.start)),
    };
    yaml::parse(&scalar.text, locator.as_ref())
        .map_err(|error| Box::new(Diagnostic::error(SYNTAX_RULE, error.message).with_span(file, error.at, error.at)))
}

/// Positions in a literal block: line `n` of the content is the `n`th line after
/// the indicator, its columns shifted by the block's indentation.
struct BlockLocator<'a> {
    file: &'a SourceFile,
    first_line: usize,
    indent: usize,
}

impl<'a> BlockLocator<'a> {
    /// `start` is where saphyr starts the scalar: its first content line, or the
    /// indicator's line (seen at the end of a stream).
    fn new(file: &'a SourceFile, start: usize) -> BlockLocator<'a> {
        let line = file.line_index(start);
        let on_indicator = file.line_text(line).trim_end().rsplit(' ').next().is_some_and(|last| last.starts_with('|'));
        let first_line = if on_indicator { line + 1 } else { line };
        let indent = (first_line..file.line_count())
            .map(|line| file.line_text(line))
            .find(|text| !text.trim().is_empty())
            .map_or(0, |text| text.len() - text.trim_start_matches(' ').len());
        BlockLocator { file, first_line, indent }
    }
}

impl Locator for BlockLocator<'_> {
    fn offset(&self, marker: &Marker) -> usize {
        let line = self.first_line + marker.line().saturating_sub(1);
        if line >= self.file.line_count() {
            return self.file.text.len();
        }
        self.file.offset_of(line as u32 + 1, (self.indent + marker.col()) as u32 + 1)
    }
}

/// Every position at one offset (the start of a quoted or folded value).
struct FixedLocator(usize);

impl Locator for FixedLocator {
    fn offset(&self, _: &Marker) -> usize {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_block_positions_map_into_the_manifest() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  config.yaml: |\n    server:\n      http:\n        adress: x\n";
        let file = SourceFile::new("cm.yaml", "cm.yaml", text.into());
        let document = yaml::parse(text, &yaml::FileLocator::new(text)).unwrap().remove(0);
        assert!(is_manifest(&document) && is_configmap(&document));
        let inner = embedded(&file, &document, Some("config.yaml")).unwrap().remove(0);
        let http = inner.get("server").unwrap().get("http").unwrap();
        let Value::Map(entries) = &http.value else { panic!() };
        let key = &entries[0].0;
        assert_eq!(&text[key.span.clone()], "adress");
        let position = file.position(key.span.start);
        assert_eq!((position.line, position.column), (9, 9));
        let error = embedded(&file, &document, Some("app.yaml")).unwrap_err();
        assert_eq!(error.message, "ConfigMap `app` has no data key `app.yaml` (its keys: config.yaml)");
    }
}
