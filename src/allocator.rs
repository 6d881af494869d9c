//! The process's memory allocator: mimalloc instead of glibc's malloc. A build allocates and
//! frees millions of small strings on every core (Markdown events, template values, page
//! HTML); glibc's `malloc`, `free` and their helpers were about a sixth of a 3-language
//! build's CPU time (perf, 10,000-page benchmark site); with mimalloc, alternating builds of
//! that site took about a tenth less CPU time and 12-20% less wall time.
//!
//! Built without transparent huge pages (mimalloc's `no_thp` feature): with them, its
//! eagerly committed arenas made first touches clear 2 MiB at a time and doubled the build's
//! system time; without, memory is faulted in page by page as it is touched, as with glibc.
//! (Returning freed memory to the OS later or never, `mi_option_purge_delay`, made no
//! difference in alternating runs.)

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
