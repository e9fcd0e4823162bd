// @generated placeholder: `cargo codegen` writes this module from spec/kuroneko/
