use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cwd = std::env::current_dir().unwrap();
    let t = Instant::now();
    let ws = idl::workspace::discover(&cwd, None, &[std::path::PathBuf::from(&args[1])])
        .unwrap_or_else(|e| {
            for d in e {
                eprintln!("{:?}", d.message);
            }
            std::process::exit(2)
        });
    let t1 = t.elapsed();
    let c = idl::compile::compile(&ws);
    let t2 = t.elapsed();
    for d in c.diagnostics.iter().take(20) {
        eprintln!(
            "{}:{:?}: {}",
            d.path,
            d.span.map(|s| (s.start.line, s.start.column)),
            d.message
        );
    }
    eprintln!("{} diags, {} files", c.diagnostics.len(), c.files.len());
    let bytes = c.file_descriptor_set(args.get(3).is_some());
    std::fs::write(&args[2], bytes).unwrap();
    eprintln!("discover {:?} compile {:?} total {:?}", t1, t2, t.elapsed());
}
