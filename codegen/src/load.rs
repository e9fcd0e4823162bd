//! Stage 1, load: the files of one `spec/<gateway>/` folder into their syntax structs (with spans). A file that is
//! not valid YAML or does not match its schema is an error; nothing is checked beyond that.

use std::path::Path;

use marked_yaml::LoaderOptions;
use serde::de::DeserializeOwned;

use crate::diagnostics::Diagnostics;
use crate::syntax::{BitmapFile, CharsetsFile, CodeFile, GatewayFile, OperationFile, ParamsFile, SecretsFile};

/// One loaded file: its stem (file name without `.yaml`), display name and contents.
pub(crate) struct Loaded<T> {
    pub(crate) stem: String,
    pub(crate) file: String,
    pub(crate) value: T,
}

/// Every file of a gateway's spec folder that parsed.
pub(crate) struct SpecFiles {
    pub(crate) gateway: Option<Loaded<GatewayFile>>,
    pub(crate) params: Option<Loaded<ParamsFile>>,
    pub(crate) charsets: Option<Loaded<CharsetsFile>>,
    pub(crate) secrets: Option<Loaded<SecretsFile>>,
    pub(crate) tables: Vec<Loaded<CodeFile>>,
    pub(crate) bitmaps: Vec<Loaded<BitmapFile>>,
    pub(crate) operations: Vec<Loaded<OperationFile>>,
    /// The display name of the folder (`spec/epsilon`).
    pub(crate) dir: String,
}

/// The display name of the folder: its last two components (`spec/epsilon`).
pub(crate) fn display_dir(spec_dir: &Path) -> String {
    let names: Vec<String> =
        spec_dir.components().rev().take(2).map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    names.into_iter().rev().collect::<Vec<_>>().join("/")
}

/// Reads the folder. `gateway.yaml` and at least one operation are required; `params.yaml`, `charsets.yaml`,
/// `secrets.yaml`, `codes/` and `bitmaps/` are optional.
pub(crate) fn load(spec_dir: &Path, diagnostics: &mut Diagnostics) -> SpecFiles {
    let dir = display_dir(spec_dir);
    let mut reader = Reader { spec_dir, dir: &dir, diagnostics };
    let gateway = reader.read("gateway.yaml", true);
    let params = reader.read("params.yaml", false);
    let charsets = reader.read("charsets.yaml", false);
    let secrets = reader.read("secrets.yaml", false);
    let tables = reader.read_all("codes");
    let bitmaps = reader.read_all("bitmaps");
    let operations = reader.read_all("operations");
    if operations.is_empty() && reader.yaml_files("operations").is_empty() {
        diagnostics.file(&format!("{dir}/operations"), 0, 0, "no operation files");
    }
    SpecFiles { gateway, params, charsets, secrets, tables, bitmaps, operations, dir }
}

struct Reader<'a> {
    spec_dir: &'a Path,
    dir: &'a str,
    diagnostics: &'a mut Diagnostics,
}

impl Reader<'_> {
    fn yaml_files(&self, sub: &str) -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(self.spec_dir.join(sub))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".yaml"))
                    .map(|n| format!("{sub}/{n}"))
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    fn read_all<T: DeserializeOwned>(&mut self, sub: &str) -> Vec<Loaded<T>> {
        self.yaml_files(sub).iter().filter_map(|rel| self.read(rel, true)).collect()
    }

    fn read<T: DeserializeOwned>(&mut self, rel: &str, required: bool) -> Option<Loaded<T>> {
        let file = format!("{}/{rel}", self.dir);
        let stem = rel.rsplit('/').next().unwrap_or(rel).trim_end_matches(".yaml").to_owned();
        let text = match std::fs::read_to_string(self.spec_dir.join(rel)) {
            Ok(t) => t,
            Err(_) if !required && !self.spec_dir.join(rel).exists() => return None,
            Err(e) => {
                self.diagnostics.file(&file, 0, 0, format!("cannot read: {e}"));
                return None;
            }
        };
        let source = self.diagnostics.add_file(file.clone());
        let options = LoaderOptions::default().error_on_duplicate_keys(true);
        let node = match marked_yaml::parse_yaml_with_options(source, &text, options) {
            Ok(n) => n,
            Err(e) => {
                // the loader's message starts with `line:column: `
                let text = e.to_string();
                let mut parts = text.splitn(3, ':');
                let (line, column, message) = match (parts.next(), parts.next(), parts.next()) {
                    (Some(l), Some(c), Some(m)) if l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok() => {
                        (l.parse().unwrap_or(0), c.parse().unwrap_or(0), m.trim().to_owned())
                    }
                    _ => (0, 0, text.clone()),
                };
                self.diagnostics.file(&file, line, column, format!("not valid YAML: {message}"));
                return None;
            }
        };
        match marked_yaml::from_node::<T>(&node) {
            Ok(value) => Some(Loaded { stem, file, value }),
            Err(e) => {
                let (line, column) = e.start_mark().map_or((0, 0), |m| (m.line(), m.column()));
                let path = e.path().unwrap_or_default().to_owned();
                let message = e.into_inner().to_string();
                let mut chars = message.chars();
                let message =
                    chars.next().map(|c| c.to_lowercase().collect::<String>()).unwrap_or_default() + chars.as_str();
                self.diagnostics.file(&file, line, column, message);
                if let Some(last) = self.diagnostics_last_path() {
                    *last = path;
                }
                None
            }
        }
    }

    fn diagnostics_last_path(&mut self) -> Option<&mut String> {
        self.diagnostics.last_path()
    }
}
