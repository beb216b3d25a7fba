//! Generates the wire types from the `.proto` files at the workspace root, the one source of truth.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    let files =
        ["envelope", "content", "frames", "federation"].map(|name| root.join(format!("isthmus/v1/{name}.proto")));
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    prost_build::Config::new()
        .compile_protos(&files, &[root])
        .expect("the .proto files in proto/ compile (is protoc installed?)");
}
