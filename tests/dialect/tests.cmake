# Dry snapshot tests of the dialect compilers: the SQL text each AST node compiles to.
tabula_add_test(dialect_expression_test DRY ${CMAKE_CURRENT_LIST_DIR}/expression_test.cpp)
tabula_add_test(dialect_query_test DRY ${CMAKE_CURRENT_LIST_DIR}/query_test.cpp)
tabula_add_test(dialect_schema_test DRY ${CMAKE_CURRENT_LIST_DIR}/schema_test.cpp)
tabula_add_test(dialect_test DRY ${CMAKE_CURRENT_LIST_DIR}/dialect_test.cpp)
