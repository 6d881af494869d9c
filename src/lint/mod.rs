//! Lints over the library and the rendered site: each reports problems without changing
//! anything. [`links`] (every link resolves), [`references`] (data ids written in the
//! sources exist), [`stale`] (review dates and retired methods), [`published`] (no placeholder
//! contact, no internal words in what readers see).

pub(crate) mod links;
pub(crate) mod published;
pub(crate) mod references;
pub(crate) mod stale;
