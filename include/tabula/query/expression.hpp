#pragma once
/// \file expression.hpp
/// The typed expression language: `col(&Model::member)`, values, comparisons, logic,
/// arithmetic and ordering. Each expression is a small literal type that knows, at compile
/// time, its C++ result type and the models it reads; it lowers into the runtime AST
/// (`lower`) and binds its values straight to the driver (`bind`) in the same order, so a
/// statement's SQL can be compiled once per type and dialect while its values are bound on
/// every execution.
///
/// | header | holds |
/// |---|---|
/// | expression_node.hpp | the protocol every node follows, labels, the single-operand base |
/// | column.hpp | `col`, `val`, how operands are lowered, `col(&T::c) = v` assignments |
/// | operator_node.hpp | the binary and unary operator nodes |
/// | comparison.hpp | `== != < <= > >=`, `&& || !`, `is_null` / `is_not_null` |
/// | arithmetic.hpp | `+ - * / %`, unary `-`, text concatenation |
/// | ordering.hpp | `asc`, `desc`, NULLS FIRST / LAST |
///
/// like_between_in.hpp, functions.hpp, window.hpp and raw_expression.hpp add the rest of the
/// language.

#include "tabula/query/arithmetic.hpp"       // IWYU pragma: export
#include "tabula/query/column.hpp"           // IWYU pragma: export
#include "tabula/query/comparison.hpp"       // IWYU pragma: export
#include "tabula/query/expression_node.hpp"  // IWYU pragma: export
#include "tabula/query/operator_node.hpp"    // IWYU pragma: export
#include "tabula/query/ordering.hpp"         // IWYU pragma: export
