#pragma once
/// \file tabula.hpp
/// The umbrella header: models, schema, typed queries, engine and session. Drivers are
/// separate: include <tabula/sqlite.hpp> and/or <tabula/postgres.hpp> and link
/// tabula::sqlite / tabula::postgres to register them.

#include "tabula/error.hpp"                 // IWYU pragma: export
#include "tabula/reflect/reflect.hpp"       // IWYU pragma: export
#include "tabula/schema/options.hpp"        // IWYU pragma: export
#include "tabula/schema/defaults.hpp"       // IWYU pragma: export
#include "tabula/schema/table.hpp"          // IWYU pragma: export
#include "tabula/schema/type_traits.hpp"    // IWYU pragma: export
#include "tabula/types/time.hpp"            // IWYU pragma: export
#include "tabula/types/uuid.hpp"            // IWYU pragma: export
#include "tabula/types/decimal.hpp"         // IWYU pragma: export
#include "tabula/types/array.hpp"           // IWYU pragma: export
#include "tabula/query/expression.hpp"      // IWYU pragma: export
#include "tabula/query/like_between_in.hpp" // IWYU pragma: export
#include "tabula/query/functions.hpp"       // IWYU pragma: export
#include "tabula/query/window.hpp"          // IWYU pragma: export
#include "tabula/query/raw_expression.hpp"  // IWYU pragma: export
#include "tabula/query/select.hpp"          // IWYU pragma: export
#include "tabula/query/relationship.hpp"    // IWYU pragma: export
#include "tabula/query/filter.hpp"          // IWYU pragma: export
#include "tabula/query/json.hpp"            // IWYU pragma: export
#include "tabula/query/time.hpp"            // IWYU pragma: export
#include "tabula/query/decimal.hpp"         // IWYU pragma: export
#include "tabula/query/array.hpp"           // IWYU pragma: export
#include "tabula/query/text_statement.hpp"  // IWYU pragma: export
#include "tabula/dialect/dialect.hpp"       // IWYU pragma: export
#include "tabula/core/connection.hpp"       // IWYU pragma: export
#include "tabula/core/engine.hpp"           // IWYU pragma: export
#include "tabula/core/inspect.hpp"          // IWYU pragma: export
#include "tabula/core/reflected_table.hpp"  // IWYU pragma: export
#include "tabula/core/executor.hpp"         // IWYU pragma: export
#include "tabula/query/executable.hpp"      // IWYU pragma: export
#include "tabula/core/load.hpp"             // IWYU pragma: export
#include "tabula/core/retry.hpp"            // IWYU pragma: export
#include "tabula/orm/session.hpp"           // IWYU pragma: export
