// expect: tabula: sql<Row>\(\) reads rows into a struct
// db.sql<Row> reads structs, tuples and values; a pointer is none of these.
#include <tabula/tabula.hpp>

void run(tabula::engine& db) { (void)db.sql<const char*>("SELECT 1"); }
