//! A test-only global allocator that counts this thread's allocations (shared by the
//! no-allocation tests of wengert-tape and wengert-jit, included by `#[path]`).
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    // Per thread: the test harness's own threads allocate now and then (more often on a
    // loaded machine), and a process-wide count made this test fail at random.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

pub fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

// The library crates forbid unsafe code; this test-only allocator counts calls and forwards
// every request unchanged to the system allocator, which upholds GlobalAlloc's contract.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;
