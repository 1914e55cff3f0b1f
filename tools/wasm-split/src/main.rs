//! `scaleout-wasm-split INPUT.wasm PKG_DIR MAIN_NAME`
//!
//! Splits a wasm built with `--emit-relocs` at its `#[lazy]` / `#[lazy_route]` split points:
//! writes one module per split and per shared chunk into PKG_DIR, the main module (for
//! wasm-bindgen) as `PKG_DIR/MAIN_NAME_split.wasm`, the loader the main module imports,
//! and `__wasm_split_manifest.json` (split -> the chunks it needs), which Leptos reads to
//! preload the chunks of the page being rendered. This is what `cargo leptos --split`
//! does, without installing cargo-leptos.

use std::path::PathBuf;
use std::process::ExitCode;

/// The loader's name when file hashing is off: Leptos's HydrationScripts expects it.
const LINK_NAME: &str = "./__wasm_split.______________________.js";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, pkg_dir, main_name] = args.as_slice() else {
        eprintln!("usage: scaleout-wasm-split INPUT.wasm PKG_DIR MAIN_NAME");
        return ExitCode::from(2);
    };
    match run(input, pkg_dir, main_name) {
        Ok(n) => {
            eprintln!("split into the main module and {n} lazily loaded modules");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &str, pkg_dir: &str, main_name: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let wasm = std::fs::read(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let pkg_dir = PathBuf::from(pkg_dir);
    let main_out = pkg_dir.join(format!("{main_name}_split.wasm"));
    let main_module = format!("./{main_name}.js");
    let mut opts = wasm_split_cli_support::Options::new(&wasm);
    opts.output_dir = &pkg_dir;
    opts.main_out_path = &main_out;
    opts.main_module = &main_module;
    opts.link_name = LINK_NAME;
    let split = wasm_split_cli_support::transform(opts).map_err(|e| e.to_string())?;
    let manifest = serde_json::to_string_pretty(&split.prefetch_map)?;
    std::fs::write(pkg_dir.join("__wasm_split_manifest.json"), manifest)?;
    Ok(split.split_modules.len())
}
