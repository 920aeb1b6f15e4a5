fn main() {
    let code = idl::cli::run();
    std::process::exit(code);
}
