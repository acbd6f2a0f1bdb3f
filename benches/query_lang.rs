fn main() { /* replaced by the query-language work */
}
