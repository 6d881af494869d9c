//! Command-line interface (clap derive). Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Build the ERN CPMS registration help portal from Markdown guides and YAML data.
#[derive(Debug, Parser)]
#[command(name = "ernguide", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the portal into a folder of static files
    Build(BuildArgs),
    /// Build the portal, serve it on this machine and rebuild when sources change
    Serve(ServeArgs),
    /// Validate the portal's sources and links without writing anything
    Check(CheckArgs),
    /// Print the sandbox configuration (JSON) that a guide's practice page gets
    DumpSandbox(DumpSandboxArgs),
    /// Translation catalogs (gettext PO files in the site's i18n/ folder)
    #[command(subcommand)]
    I18n(I18nCommand),
}

#[derive(Debug, Subcommand)]
pub enum I18nCommand {
    /// Write i18n/messages.pot and update i18n/<lang>.po for every language in site.toml
    /// (new units added, edited ones marked fuzzy with their earlier translation)
    Extract(SiteArgs),
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The portal's folder (the one holding site.toml)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub site: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site (replaced only when the build succeeds)
    #[arg(long, default_value = "public", value_name = "DIR")]
    pub out: PathBuf,
    /// Show a figure whose screenshot does not exist yet as its alt text instead of failing
    /// (scripts/screenshots uses it to capture a new guide)
    #[arg(long)]
    pub allow_missing_screenshots: bool,
    /// Write into --out even if it holds files ernguide did not write (they are deleted);
    /// never into the site folder or a folder holding it
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to bind; only this machine by default
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: String,
    /// Where to write the site while serving
    #[arg(long, default_value = "public", value_name = "DIR")]
    pub out: PathBuf,
    /// Write into --out even if it holds files ernguide did not write (they are deleted);
    /// never into the site folder or a folder holding it
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// one `file:line: level: message` line per finding
    Text,
    /// a JSON document for tools
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DumpSandboxArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The guide (its folder name under content/guides/)
    #[arg(long, value_name = "SLUG")]
    pub guide: String,
}
