//! Prints the parse of a file (development aid).
fn main() {
    let path = std::env::args().nth(1).expect("path");
    let text = std::fs::read_to_string(path).expect("read");
    let parse = decorum_syntax::parse(&text);
    println!("{:#?}", parse.errors);
    println!("{} items", parse.file.items.len());
    if std::env::var("FULL").is_ok() {
        println!("{:#?}", parse.file);
    }
}
