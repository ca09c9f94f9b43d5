//! The JSON Schema of `decorum.toml`, for editors with TOML schema support (Even Better
//! TOML, Taplo). Generated from the same constants the parser uses; the committed copy
//! in docs/schema/decorum-toml.schema.json is checked by a test.

use super::{DEFAULT_INCLUDE, FAIL_ON_VALUES, library_name_pattern};

/// The schema as JSON text (pretty-printed, with a trailing newline).
pub fn json_schema() -> String {
    let include: Vec<String> = DEFAULT_INCLUDE.iter().map(|g| format!("\"{g}\"")).collect();
    let fail_on: Vec<String> = FAIL_ON_VALUES.iter().map(|v| format!("\"{v}\"")).collect();
    format!(
        r#"{{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://decorum.invalid/schema/decorum-toml.schema.json",
  "title": "decorum.toml",
  "description": "Decorum's configuration: which policies apply to which drafts. See docs/configuration.md.",
  "type": "object",
  "additionalProperties": false,
  "properties": {{
    "policies": {{
      "description": "Policy files or folders that apply, relative to decorum.toml; entries starting with std/ are the embedded standard library.",
      "type": "array",
      "minItems": 1,
      "items": {{ "type": "string", "minLength": 1 }},
      "default": ["std/healthcare"]
    }},
    "drafts": {{
      "description": "Which files are drafts, and the metadata they carry.",
      "type": "object",
      "additionalProperties": false,
      "properties": {{
        "include": {{
          "description": "Globs (relative to decorum.toml) of files that are drafts when a folder is checked.",
          "type": "array",
          "items": {{ "type": "string" }},
          "default": [{include}]
        }},
        "exclude": {{
          "description": "Globs of files to leave out even when include matches them.",
          "type": "array",
          "items": {{ "type": "string" }},
          "default": []
        }},
        "metadata": {{
          "description": "Post metadata for drafts whose path matches files; every other key becomes metadata.",
          "type": "array",
          "items": {{
            "type": "object",
            "required": ["files"],
            "properties": {{
              "files": {{
                "description": "A glob or an array of globs, relative to decorum.toml.",
                "oneOf": [
                  {{ "type": "string" }},
                  {{ "type": "array", "items": {{ "type": "string" }}, "minItems": 1 }}
                ]
              }}
            }},
            "additionalProperties": {{
              "type": ["string", "number", "boolean", "array", "object"]
            }}
          }}
        }}
      }}
    }},
    "libraries": {{
      "description": "Shared policy libraries vendored in local folders, by name (see docs/libraries.md).",
      "type": "object",
      "propertyNames": {{ "pattern": "{library_name}", "not": {{ "const": "std" }} }},
      "additionalProperties": {{
        "type": "object",
        "required": ["path"],
        "additionalProperties": false,
        "properties": {{
          "path": {{ "description": "The library's folder, relative to decorum.toml.", "type": "string", "minLength": 1 }}
        }}
      }}
    }},
    "check": {{
      "type": "object",
      "additionalProperties": false,
      "properties": {{
        "fail-on": {{
          "description": "The least severe finding that makes decorum check exit with 1.",
          "enum": [{fail_on}],
          "default": "error"
        }}
      }}
    }}
  }}
}}
"#,
        include = include.join(", "),
        library_name = library_name_pattern(),
        fail_on = fail_on.join(", ")
    )
}
