// expect: tabula: decimal<P, S> holds 1 to 18 digits
// A decimal is a 64-bit integer of units: at most 18 digits.
#include <tabula/tabula.hpp>

tabula::decimal<20, 2> d;
