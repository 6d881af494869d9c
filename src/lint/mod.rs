//! Lints over the library and the rendered site: each reports problems without changing
//! anything. [`links`] (every link resolves), [`references`] (data ids written in the
//! sources exist), [`stale`] (review dates and retired methods).

pub(crate) mod links;
pub(crate) mod references;
pub(crate) mod stale;
