fn main() { /* replaced by the schema-language work */
}
