//! Lints over the library and the rendered site: each reports problems without changing
//! anything. [`links`] (every link resolves), [`references`] (data ids written in the
//! sources exist), [`stale`] (review dates and retired methods), [`published`] (no placeholder
//! contact, no internal words in what readers see); [`origin`] finds where a template-made
//! finding's text is in the data or the theme's templates.

pub(crate) mod links;
mod origin;
pub(crate) mod published;
pub(crate) mod references;
pub(crate) mod stale;
