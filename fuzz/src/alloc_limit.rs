//! In fuzz builds only: one allocation over [`MAX_ALLOCATION`] aborts, so that a size read from
//! an input is caught when it is asked for, not only once its pages are touched and libFuzzer's
//! RSS limit sees them (a `Vec::with_capacity` of a huge count may never be touched at all).
//! AddressSanitizer's `-malloc_limit_mb` does this on nightly; this works on stable.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;

/// The largest single allocation a fuzzed input may cause. Inputs are at most 64 KiB, and the
/// harnesses sample and encode a few rows: nothing legitimate comes near it.
pub const MAX_ALLOCATION: usize = 512 << 20;

struct Limited;

fn check(size: usize) {
    if size > MAX_ALLOCATION {
        // No formatting here: it could allocate.
        let _ = std::io::stderr().write_all(
            b"\n==crl-lab fuzz== an allocation over 512 MiB (a size read from the input?)\n",
        );
        std::process::abort();
    }
}

// SAFETY: every call is passed on unchanged to the system allocator.
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        // SAFETY: the caller upholds `alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        check(new_size);
        // SAFETY: as for `dealloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static LIMITED: Limited = Limited;
