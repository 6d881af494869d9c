//! ernguide: per-network ERN CPMS registration guides, from Markdown and YAML, into a static
//! help portal with a client-side practice sandbox.
//!
//! The build follows the data, as the named steps of [`pipeline`]: [`config`] and [`content`]
//! (read once through [`input`]) -> [`render`] ([`templates`], [`markdown`], figures from
//! [`images`]) -> [`theme`] static files -> [`images`] -> [`lint`] -> [`output`]. [`check`]
//! runs the same steps without writing; [`incremental`] keeps a rendered site in memory and
//! renders again only what a change affects (for [`serve`]). See ARCHITECTURE.md.
#![deny(unsafe_code)]
// The tuple types clippy calls complex (maps of paths to guides, lists of (file, text)) are
// read where they are built; a name for each would only send the reader elsewhere.
#![allow(clippy::type_complexity)]

mod accessibility;
mod allocator;
pub mod check;
pub mod cli;
mod config;
mod content;
pub mod error;
mod handout;
mod html;
mod i18n;
mod images;
mod included;
pub mod incremental;
mod input;
mod lint;
mod markdown;
mod markdown_value;
mod output;
pub use output::OutputRefused;
pub mod pipeline;
mod render;
mod search;
mod serve;
mod slides;
mod templates;
mod theme;

use cli::{Cli, Command};

/// How a run ended, for the exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Content errors were found (exit 1).
    ContentErrors,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Build(args) => {
            output::claim(&args.out, &args.site.site, args.force)?;
            let opts = pipeline::BuildOptions {
                site_dir: args.site.site,
                out_dir: args.out,
                allow_missing_screenshots: args.allow_missing_screenshots,
            };
            let start = std::time::Instant::now();
            let report = pipeline::build(&opts)?;
            for w in &report.warnings {
                eprintln!("{}", check::Finding::warning(&w.0).to_line());
            }
            let images = if report.images_encoded + report.images_cached > 0 {
                format!(
                    "; images: {} encoded, {} from cache",
                    report.images_encoded, report.images_cached
                )
            } else {
                String::new()
            };
            for (lang, s) in &report.search {
                eprintln!(
                    "search index {lang}: {} bytes, {} words ({:.2} bytes/word), {} sections",
                    s.bytes,
                    s.words,
                    s.bytes_per_word(),
                    s.sections
                );
            }
            eprintln!(
                "built {} pages ({} files) into {} in {} ms{images}",
                report.pages,
                report.files,
                opts.out_dir.display(),
                start.elapsed().as_millis()
            );
            Ok(Outcome::Success)
        }
        Command::Serve(args) => {
            serve::serve(&serve::ServeOptions {
                site_dir: args.site.site,
                out_dir: args.out,
                bind: args.bind,
                port: args.port,
                force: args.force,
            })?;
            Ok(Outcome::Success)
        }
        Command::DumpSandbox(args) => {
            let lib = pipeline::load(&args.site.site)?;
            println!("{}", render::sandbox_config(&lib, &args.guide)?);
            Ok(Outcome::Success)
        }
        Command::I18n(cli::I18nCommand::Extract(args)) => {
            let lib = content::Library::load(&args.site)?;
            let theme = theme::Theme::new(&args.site, &lib.config.theme);
            let report = i18n::extract(&lib, &theme, &lib.config.languages)?;
            eprintln!(
                "{} messages written to {}",
                report.messages,
                report.template.display()
            );
            for (lang, path, r) in &report.languages {
                eprintln!(
                    "{lang}: {} translated, {} stale (marked fuzzy), {} new, {} dropped -> {}",
                    r.kept,
                    r.stale,
                    r.added,
                    r.dropped,
                    path.display()
                );
            }
            Ok(Outcome::Success)
        }
        Command::Check(args) => {
            let report = check::check(&args.site.site);
            print!("{}", report.render(args.format));
            Ok(if report.has_errors() {
                Outcome::ContentErrors
            } else {
                Outcome::Success
            })
        }
    }
}
