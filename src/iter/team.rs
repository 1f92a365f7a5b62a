//! The loop engine's threads: the calling thread and a team of helpers
//! share the pieces of one call, and helpers stay awake between calls.
//!
//! Why not the rayon pool: rayon's workers go to sleep a few microseconds
//! after their queue empties, and on this machine waking a sleeping thread
//! takes tens of microseconds. A chain of mid-size ufunc calls
//! (`x**2 - 3*x + 4` on 1e5 float64, about 20 us a call) then pays a
//! wake-up per call and gains nothing from the second core. OpenBLAS, which
//! NumPy calls for products, keeps its threads spinning for the same
//! reason. Here:
//! - the caller never sleeps: it publishes the job, takes pieces itself
//!   from a shared counter, and waits only for pieces a helper has taken,
//!   so a helper slow to wake costs nothing but its help;
//! - a helper that finishes a job polls (yielding its core) for the next
//!   one for `SPIN`, then sleeps on a condition variable; a caller wakes
//!   sleepers (one system call) only when there are any, and a helper
//!   woken after that job has closed polls again for `SPIN` (going back to
//!   sleep at once made it miss call after call, each time woken late);
//! - a helper that finds itself on the CPU its caller last ran on moves to
//!   another CPU the thread may run on (`step_aside`). Linux wakes a
//!   sleeping thread on the waker's CPU when it judges the other CPUs busy,
//!   and on this virtual machine the helper then stayed there for 10-30
//!   matrix-vector calls (2-9 ms at their 150-300 us), helping with none of them;
//! - a helper sleeps with that CPU excluded from its CPU set (`Narrowed`),
//!   restored as it wakes, so the wake-up puts it on another CPU. Woken on
//!   the caller's CPU, it had cost the caller's first call after a pause
//!   38-47 us (the caller yields so that the helper can step aside);
//! - one job at a time: a caller that finds the team busy (another thread's
//!   call, or a piece of a job starting work of its own) runs its pieces
//!   alone, so nesting cannot deadlock.
//!
//! Which thread runs a piece never changes what the piece computes, so
//! results do not depend on the split's timing.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a helper polls for the next job before it sleeps. Long enough
/// to span the interpreter's work between two operators of an expression
/// (a few microseconds) and a short pause in a loop; short enough that an
/// idle program gives its core back quickly.
const SPIN: Duration = Duration::from_micros(300);

/// A job: `pieces` calls of `f(piece)`, borrowed from the caller's frame
/// for the duration of `for_pieces` (which does not return while a helper
/// may still call it).
type Job = *const (dyn Fn(usize) + Sync);

struct Team {
    /// Helper threads started (set once, after they are spawned).
    helpers: AtomicUsize,
    /// A caller owns the team (publishes, runs, closes one job).
    busy: AtomicBool,
    /// Twice the job's sequence number, plus one while it is open.
    state: AtomicUsize,
    /// Written by the owning caller while no helper is inside a job.
    job: UnsafeCell<Option<Job>>,
    pieces: AtomicUsize,
    /// The next piece to take, and how many are finished.
    next: AtomicUsize,
    done: AtomicUsize,
    /// Helpers between joining a job and leaving it.
    active: AtomicUsize,
    /// A piece run by a helper panicked (the caller re-raises).
    panicked: AtomicBool,
    /// The CPU the last job's caller ran on when it published the job
    /// (`NO_CPU` when unknown).
    caller_cpu: AtomicUsize,
    /// Helpers asleep, and what they sleep on.
    sleepers: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
}

// SAFETY: `job` is written only by the caller that holds `busy`, while no
// helper is active, and read by helpers only while they are counted in
// `active` and see the job open (the protocol in `for_pieces`); the job
// itself is `Sync`.
unsafe impl Sync for Team {}

fn team() -> &'static Team {
    static TEAM: OnceLock<&'static Team> = OnceLock::new();
    TEAM.get_or_init(|| {
        let wanted = rayon::current_num_threads().saturating_sub(1);
        let team: &'static Team = Box::leak(Box::new(Team {
            helpers: AtomicUsize::new(0),
            busy: AtomicBool::new(false),
            state: AtomicUsize::new(0),
            job: UnsafeCell::new(None),
            pieces: AtomicUsize::new(0),
            next: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            active: AtomicUsize::new(0),
            panicked: AtomicBool::new(false),
            caller_cpu: AtomicUsize::new(NO_CPU),
            sleepers: AtomicUsize::new(0),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        }));
        let mut started = 0;
        for i in 0..wanted {
            let spawned = std::thread::Builder::new()
                .name(format!("ndcore-team-{}", i + 1))
                .spawn(move || helper(team));
            if spawned.is_err() {
                break;
            }
            started += 1;
        }
        team.helpers.store(started, Ordering::Relaxed);
        team
    })
}

/// Threads that share a call's pieces: the caller and its helpers.
pub(crate) fn threads() -> usize {
    team().helpers.load(Ordering::Relaxed) + 1
}

/// Run `f(piece)` for every piece in `0..pieces`, on the calling thread and
/// the team's helpers, each piece once, in no particular order and possibly
/// at the same time; returns when all have finished. A panic in a piece is
/// re-raised here once every piece has finished.
pub(crate) fn for_pieces(pieces: usize, f: &(dyn Fn(usize) + Sync)) {
    let team = team();
    if pieces <= 1
        || team.helpers.load(Ordering::Relaxed) == 0
        || team.busy.swap(true, Ordering::Acquire)
    {
        // Alone, with the same contract: every piece runs, then the first
        // panic is re-raised.
        let mut first = None;
        for piece in 0..pieces {
            if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(piece))) {
                first.get_or_insert(e);
            }
        }
        if let Some(e) = first {
            std::panic::resume_unwind(e);
        }
        return;
    }
    // SAFETY: the erased lifetime is not relied on: helpers call the job
    // only while the state shows it open, and this function closes it and
    // waits until no helper is active before returning.
    let job: Job = unsafe { std::mem::transmute::<*const (dyn Fn(usize) + Sync + '_), Job>(f) };
    // SAFETY: this caller holds `busy` and no helper is active (the last
    // owner waited for `active == 0` before releasing `busy`).
    unsafe { *team.job.get() = Some(job) };
    team.pieces.store(pieces, Ordering::Relaxed);
    team.next.store(0, Ordering::Relaxed);
    team.done.store(0, Ordering::Relaxed);
    team.panicked.store(false, Ordering::Relaxed);
    team.caller_cpu.store(current_cpu(), Ordering::Relaxed);
    let closed = (team.state.load(Ordering::Relaxed) | 1) + 1;
    team.state.store(closed | 1, Ordering::SeqCst);
    // Wake sleepers. Nothing depends on their coming: the caller takes
    // every piece no helper has, so if a helper holds the lock (it is
    // between deciding to sleep and sleeping) this call does without it
    // rather than wait, and a child process forked while a helper held the
    // lock never blocks here. Then yield once: a helper woken on this CPU
    // (helpers sleep off the last caller's CPU, but this caller may have
    // moved since) would wait for this thread's time slice to end
    // (measured: 3-16 matrix-vector calls in a row, several ms, before it
    // first helped); run now, it steps aside to another CPU. When the
    // helper woke elsewhere, the yield returns at once (measured in the
    // first call after a pause: 4-7 us, against 38-47 us before helpers
    // slept narrowed; the notify itself 7-18 us).
    if team.sleepers.load(Ordering::SeqCst) > 0 {
        if let Ok(_guard) = team.lock.try_lock() {
            team.wake.notify_all();
        }
        std::thread::yield_now();
    }
    let mut mine = None;
    loop {
        let piece = team.next.fetch_add(1, Ordering::Relaxed);
        if piece >= pieces {
            break;
        }
        if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(piece))) {
            mine.get_or_insert(e);
        }
        team.done.fetch_add(1, Ordering::Release);
    }
    // Pieces helpers took are still running.
    wait_until(|| team.done.load(Ordering::Acquire) >= pieces);
    team.state.store(closed, Ordering::SeqCst);
    wait_until(|| team.active.load(Ordering::SeqCst) == 0);
    let helper_panicked = team.panicked.load(Ordering::Relaxed);
    team.busy.store(false, Ordering::Release);
    if let Some(e) = mine {
        std::panic::resume_unwind(e);
    }
    if helper_panicked {
        panic!("a piece of a parallel loop panicked on a helper thread");
    }
}

/// `(a(), b())`, the two on the team's threads when it has a free helper
/// (as `for_pieces` with two pieces), else one after the other here.
pub(crate) fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    let (a, b) = (Mutex::new(Some(a)), Mutex::new(Some(b)));
    let (ra, rb) = (Mutex::new(None), Mutex::new(None));
    // Each piece runs once, so each lock is taken once, uncontended.
    for_pieces(2, &|piece| {
        if piece == 0 {
            let f = a.lock().unwrap_or_else(|e| e.into_inner()).take();
            *ra.lock().unwrap_or_else(|e| e.into_inner()) = f.map(|f| f());
        } else {
            let f = b.lock().unwrap_or_else(|e| e.into_inner()).take();
            *rb.lock().unwrap_or_else(|e| e.into_inner()) = f.map(|f| f());
        }
    });
    let ra = ra.into_inner().unwrap_or_else(|e| e.into_inner());
    let rb = rb.into_inner().unwrap_or_else(|e| e.into_inner());
    (ra.expect("piece 0 ran"), rb.expect("piece 1 ran"))
}

/// Poll `ready`, yielding the core after a short while (a helper may have
/// been descheduled in the middle of its piece).
fn wait_until(ready: impl Fn() -> bool) {
    let mut polls = 0u32;
    while !ready() {
        if polls < 1 << 12 {
            polls += 1;
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

fn helper(team: &'static Team) {
    let mut seen = 0;
    loop {
        let state = wait_for_job(team, seen);
        team.active.fetch_add(1, Ordering::SeqCst);
        // Joining counts only if the job is still open: then the caller,
        // which closes before it waits for `active` to drop, waits for us.
        let now = team.state.load(Ordering::SeqCst);
        if now & 1 == 1 {
            seen = now;
            step_aside(team);
            // SAFETY: the job is open and we are active, so its owner is
            // inside `for_pieces` and keeps the closure alive until we leave.
            let f = unsafe { (*team.job.get()).expect("an open job") };
            let pieces = team.pieces.load(Ordering::Relaxed);
            loop {
                let piece = team.next.fetch_add(1, Ordering::Relaxed);
                if piece >= pieces {
                    break;
                }
                // SAFETY: as above.
                let run = std::panic::AssertUnwindSafe(|| unsafe { (*f)(piece) });
                if std::panic::catch_unwind(run).is_err() {
                    team.panicked.store(true, Ordering::Relaxed);
                }
                team.done.fetch_add(1, Ordering::Release);
            }
        } else {
            seen = state;
        }
        team.active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The state of an open job other than `seen`: polled for `SPIN`, then
/// slept for; a helper woken after the job it was woken for has closed
/// polls again.
fn wait_for_job(team: &Team, seen: usize) -> usize {
    let fresh = |s: usize| s & 1 == 1 && s != seen;
    loop {
        let start = Instant::now();
        let mut polls = 0u32;
        loop {
            let s = team.state.load(Ordering::Acquire);
            if fresh(s) {
                return s;
            }
            // Poll by yielding, not by spinning: when the scheduler has
            // put this helper on the caller's core, a spinning helper
            // takes half of that core from the caller until the load
            // balancer moves one of them (measured: runs of
            // matrix-vector calls at 3.5x their time, 550 us against 160),
            // and a PAUSE loop makes a virtual CPU exit to the hypervisor.
            // On an idle core the yield returns at once.
            std::thread::yield_now();
            polls = polls.wrapping_add(1);
            if polls % 16 == 0 {
                if start.elapsed() >= SPIN {
                    break;
                }
                step_aside(team);
            }
        }
        // Sleep off the CPU the last caller ran on, so that the wake-up
        // puts this helper on another one (see the module comment).
        let narrowed = Narrowed::away_from(team.caller_cpu.load(Ordering::Relaxed));
        let mut guard = team.lock.lock().unwrap_or_else(|e| e.into_inner());
        team.sleepers.fetch_add(1, Ordering::SeqCst);
        if !fresh(team.state.load(Ordering::SeqCst)) {
            guard = team.wake.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
        team.sleepers.fetch_sub(1, Ordering::SeqCst);
        drop(guard);
        if let Some(n) = narrowed {
            n.restore();
        }
        let s = team.state.load(Ordering::SeqCst);
        if fresh(s) {
            return s;
        }
    }
}

/// `Team::caller_cpu` when the CPU is not known.
const NO_CPU: usize = usize::MAX;

/// The CPU this thread is running on, or `NO_CPU`.
fn current_cpu() -> usize {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: no arguments; glibc reads it from the thread's rseq area
        // or the vDSO.
        let cpu = unsafe { libc::sched_getcpu() };
        if cpu >= 0 {
            return cpu as usize;
        }
    }
    NO_CPU
}

/// Move this helper off the CPU its caller last ran on, if it is there.
/// Costs one `sched_getcpu` when the helper is elsewhere.
fn step_aside(team: &Team) {
    let caller = team.caller_cpu.load(Ordering::Relaxed);
    if caller != NO_CPU && current_cpu() == caller {
        leave_cpu(caller);
    }
}

/// Move this thread off `cpu` if it may run elsewhere: narrow its CPU set
/// to exclude `cpu` (Linux migrates a running thread before the call
/// returns), then restore the set, so that the user's affinity settings
/// stand and the scheduler stays free to move it later. Returns the CPU
/// the thread ran on under the narrowed set, or `None` when it could not
/// move (no other CPU allowed, or not Linux).
fn leave_cpu(cpu: usize) -> Option<usize> {
    let narrowed = Narrowed::away_from(cpu)?;
    let moved_to = current_cpu();
    narrowed.restore();
    Some(moved_to)
}

/// This thread's CPU set narrowed to exclude one CPU, and the set it had.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
struct Narrowed {
    #[cfg(target_os = "linux")]
    before: libc::cpu_set_t,
    #[cfg(target_os = "linux")]
    during: libc::cpu_set_t,
}

impl Narrowed {
    /// Exclude `cpu` from this thread's CPU set; `None` (nothing changed)
    /// when no other CPU is allowed, `cpu` is `NO_CPU`, or not on Linux.
    fn away_from(cpu: usize) -> Option<Narrowed> {
        #[cfg(target_os = "linux")]
        // SAFETY: the sets are plain bitmaps owned here, passed with their
        // size; pid 0 is this thread.
        unsafe {
            let size = std::mem::size_of::<libc::cpu_set_t>();
            let mut before: libc::cpu_set_t = std::mem::zeroed();
            if cpu >= 8 * size || libc::sched_getaffinity(0, size, &mut before) != 0 {
                return None;
            }
            let mut during = before;
            libc::CPU_CLR(cpu, &mut during);
            if libc::CPU_COUNT(&during) == 0 || libc::sched_setaffinity(0, size, &during) != 0 {
                return None;
            }
            Some(Narrowed { before, during })
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = cpu;
            None
        }
    }

    /// Give the thread back the set it had, unless its set was changed
    /// meanwhile (by the user, e.g. `taskset`): that change stands.
    fn restore(self) {
        #[cfg(target_os = "linux")]
        // SAFETY: as in `away_from`.
        unsafe {
            let size = std::mem::size_of::<libc::cpu_set_t>();
            let mut now: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, size, &mut now) == 0
                && libc::CPU_EQUAL(&now, &self.during)
            {
                libc::sched_setaffinity(0, size, &self.before);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn every_piece_runs_once() {
        for pieces in [0, 1, 2, 3, 8, 100] {
            let counts: Vec<AtomicU64> = (0..pieces).map(|_| AtomicU64::new(0)).collect();
            for_pieces(pieces, &|p| {
                counts[p].fetch_add(1, Ordering::Relaxed);
            });
            assert!(
                counts.iter().all(|c| c.load(Ordering::Relaxed) == 1),
                "{pieces}"
            );
        }
    }

    #[test]
    fn after_the_helpers_sleep_and_from_many_threads() {
        // Calls after a pause (helpers asleep), nested calls (team busy:
        // the inner runs alone), and calls from several threads at once.
        std::thread::sleep(SPIN * 3);
        let total = AtomicU64::new(0);
        for_pieces(4, &|p| {
            for_pieces(3, &|q| {
                total.fetch_add((p * 3 + q) as u64 + 1, Ordering::Relaxed);
            });
        });
        assert_eq!(total.load(Ordering::Relaxed), (1..=12).sum::<u64>());
        std::thread::scope(|s| {
            for t in 0..4u64 {
                s.spawn(move || {
                    for round in 0..200u64 {
                        let sum = AtomicU64::new(0);
                        for_pieces(8, &|p| {
                            sum.fetch_add(p as u64 * t + round, Ordering::Relaxed);
                        });
                        assert_eq!(sum.load(Ordering::Relaxed), 28 * t + 8 * round);
                    }
                });
            }
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn leaving_a_cpu_moves_the_thread_and_keeps_its_cpu_set() {
        fn cpu_set() -> Vec<usize> {
            // SAFETY: a plain bitmap passed with its size; pid 0 is this thread.
            unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                let size = std::mem::size_of::<libc::cpu_set_t>();
                assert_eq!(libc::sched_getaffinity(0, size, &mut set), 0);
                (0..8 * size)
                    .filter(|&c| libc::CPU_ISSET(c, &set))
                    .collect()
            }
        }
        std::thread::spawn(|| {
            let before = cpu_set();
            let here = current_cpu();
            assert!(before.contains(&here));
            let moved = leave_cpu(here);
            assert_eq!(cpu_set(), before);
            if before.len() > 1 {
                let to = moved.expect("another CPU is allowed");
                assert!(to != here && before.contains(&to), "{here} -> {to}");
            } else {
                assert_eq!(moved, None);
            }
            assert_eq!(leave_cpu(NO_CPU), None);
        })
        .join()
        .unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_narrowed_cpu_set_is_restored_unless_changed_meanwhile() {
        fn cpu_set() -> libc::cpu_set_t {
            // SAFETY: a plain bitmap passed with its size; pid 0 is this thread.
            unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                let size = std::mem::size_of::<libc::cpu_set_t>();
                assert_eq!(libc::sched_getaffinity(0, size, &mut set), 0);
                set
            }
        }
        std::thread::spawn(|| {
            let before = cpu_set();
            let here = current_cpu();
            // SAFETY: CPU_* read and write the plain bitmaps given.
            let allowed = unsafe { libc::CPU_COUNT(&before) };
            let Some(n) = Narrowed::away_from(here) else {
                assert_eq!(allowed, 1, "only one CPU allowed: nothing to narrow");
                return;
            };
            let during = cpu_set();
            // SAFETY: as above.
            unsafe {
                assert!(!libc::CPU_ISSET(here, &during) && libc::CPU_COUNT(&during) == allowed - 1);
            }
            n.restore();
            // SAFETY: as above.
            assert!(unsafe { libc::CPU_EQUAL(&cpu_set(), &before) });
            // A change made while narrowed (here: by this thread, as a user's
            // `taskset` would; to the CPU the narrowing excluded) is kept.
            let n = Narrowed::away_from(here).expect("narrowed once already");
            // SAFETY: as above; `here` is an allowed CPU.
            let other = unsafe {
                let mut other: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(here, &mut other);
                let size = std::mem::size_of::<libc::cpu_set_t>();
                assert_eq!(libc::sched_setaffinity(0, size, &other), 0);
                other
            };
            n.restore();
            // SAFETY: as above.
            assert!(unsafe { libc::CPU_EQUAL(&cpu_set(), &other) });
            assert!(Narrowed::away_from(NO_CPU).is_none());
        })
        .join()
        .unwrap();
    }

    #[test]
    fn join_returns_both_results_nested_too() {
        let v: Vec<u64> = (0..1000).collect();
        fn sum(v: &[u64]) -> u64 {
            if v.len() <= 10 {
                return v.iter().sum();
            }
            let (a, b) = join(|| sum(&v[..v.len() / 2]), || sum(&v[v.len() / 2..]));
            a + b
        }
        assert_eq!(sum(&v), 499_500);
        let (s, n) = join(|| String::from("left"), || 7u8);
        assert_eq!((s.as_str(), n), ("left", 7));
    }

    #[test]
    fn a_panicking_piece_is_reraised_after_the_others() {
        let finished = AtomicU64::new(0);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for_pieces(16, &|p| {
                if p == 5 {
                    panic!("piece 5");
                }
                finished.fetch_add(1, Ordering::Relaxed);
            });
        }));
        assert!(caught.is_err());
        assert_eq!(finished.load(Ordering::Relaxed), 15);
        // The team still works.
        let sum = AtomicU64::new(0);
        for_pieces(10, &|p| {
            sum.fetch_add(p as u64, Ordering::Relaxed);
        });
        assert_eq!(sum.load(Ordering::Relaxed), 45);
    }
}
