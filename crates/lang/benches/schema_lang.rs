//! Schema-language benchmark: parse + build the catalog of a generated ~5,000-line schema and
//! compare the median against the 10 ms budget; then check that time grows linearly with size.
//! Run with `cargo bench --bench schema_lang`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use omnigraph_lang::schema::{build_catalog, parse_schema};

const BUDGET_MS: f64 = 10.0;

/// The system allocator, counting allocations: a load-independent cost figure (the machine this
/// runs on is shared, so wall times are noisy).
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by one parse of `text` and one catalog build.
fn allocations(text: &str) -> (usize, usize) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let file = parse_schema(text).expect("parses");
    let parsed = ALLOCATIONS.load(Ordering::Relaxed);
    let catalog = build_catalog(&file).expect("builds");
    let built = ALLOCATIONS.load(Ordering::Relaxed);
    black_box((file, catalog));
    (parsed - before, built - parsed)
}

/// A realistic schema of `groups` repetitions (~50 lines each): an interface, nodes using every
/// type form, annotations, body constraints, comments, and edges between them.
fn schema(groups: usize) -> String {
    let mut s = String::new();
    for g in 0..groups {
        s.push_str(&format!(
            r#"// ---- group {g} --------------------------------------------------------------
interface Named{g} {{
    name: String @key
    /* shared description */
    label: String? @description("a label")
}}

node Person{g} @description("A person in group {g}") implements Named{g} {{
    age: I32?
    email: String? @unique
    bio: String?
    bio_vec: Vector(768)? @embed(bio)
    tags: [String]?
    status: enum(active, inactive, in-progress)
    joined: DateTime
    score: F64? @index
    @range(age, 0..150)
    @check(email, "^[^@]+@[^@]+$")
}}

node Company{g} @instruction("Look companies up by slug") {{
    slug: String @key
    name: String @unique @description("Legal name")
    founded: Date?
    size: U32?
    revenue: F64?
    logo: Blob?
    kind: enum(startup, enterprise, nonprofit)?
    @range(size, 1..)
    @index(name, founded)
}}

node Project{g} {{
    code: String
    budget: F64?
    started: Date?
    @key(code)
    @unique(code, started)
}}

edge WorksAt{g}: Person{g} -> Company{g} @card(0..1) @description("employment") {{
    since: Date?
    role: String?
    @unique(src, dst)
}}

edge Owns{g}: Company{g} -> Project{g} {{
    share: F32
    @index(src)
}}

edge Knows{g}: Person{g} -> Person{g}
"#
        ));
    }
    s
}

/// Wall times over a number of runs: medians of parse (`parse_schema`), catalog
/// (`build_catalog`) and both, and the fastest run of both (the figure least disturbed by other
/// processes on a shared machine). Results are dropped outside the timed region.
struct Timing {
    parse: Duration,
    catalog: Duration,
    total: Duration,
    fastest: Duration,
}

fn time(text: &str, runs: usize) -> Timing {
    let mut parse = Vec::with_capacity(runs);
    let mut catalog = Vec::with_capacity(runs);
    let mut total = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let file = parse_schema(black_box(text)).expect("benchmark schema parses");
        let parsed = Instant::now();
        let built = build_catalog(&file).expect("benchmark schema builds");
        let done = Instant::now();
        parse.push(parsed - start);
        catalog.push(done - parsed);
        total.push(done - start);
        black_box((file, built));
    }
    let mid = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    Timing {
        parse: mid(&mut parse),
        catalog: mid(&mut catalog),
        total: mid(&mut total),
        fastest: total[0],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let groups = 5_000 / schema(1).lines().count();
    let text = schema(groups);
    let lines = text.lines().count();
    // Warm up caches and the allocator.
    time(&text, 5);
    let t = time(&text, 201);
    println!(
        "schema_lang: {lines} lines, {} KiB: parse+catalog median {:.3} ms = {:.2}x the \
         {BUDGET_MS} ms budget (parse {:.3} ms, catalog {:.3} ms; fastest run {:.3} ms)",
        text.len() / 1024,
        ms(t.total),
        ms(t.total) / BUDGET_MS,
        ms(t.parse),
        ms(t.catalog),
        ms(t.fastest),
    );

    // Linearity: allocations per line (deterministic) and time per line (fastest of several
    // runs) from 1x to 32x the size. Allocations must stay flat; time per line may rise somewhat
    // once the AST and catalog outgrow the CPU caches, but must not keep growing with size.
    for factor in [1, 2, 4, 8, 16, 32] {
        let big = schema(groups * factor);
        let big_lines = big.lines().count();
        let (p, c) = allocations(&big);
        let tb = time(&big, (64 / factor).max(5));
        println!(
            "schema_lang: {factor:>2}x {big_lines:>6} lines: {:>5.0} ns/line (fastest run), \
             {:.2} allocations/line",
            tb.fastest.as_nanos() as f64 / big_lines as f64,
            (p + c) as f64 / big_lines as f64,
        );
    }

    // Hostile shapes stay linear too: one huge comment, and a long unterminated comment.
    let comment = format!("/*{}*/ node P {{}}", "x".repeat(4_000_000));
    println!(
        "schema_lang: 4 MB block comment: median {:.3} ms",
        ms(time(&comment, 11).total)
    );
    let unterminated = format!("node P {{}} /*{}", "x".repeat(4_000_000));
    let start = Instant::now();
    for _ in 0..11 {
        black_box(parse_schema(black_box(&unterminated)).is_err());
    }
    println!(
        "schema_lang: 4 MB unterminated comment (syntax error): mean {:.3} ms",
        ms(start.elapsed()) / 11.0
    );
}
