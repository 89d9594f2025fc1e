tabula_add_test(query_expression_test DRY ${CMAKE_CURRENT_LIST_DIR}/expression_test.cpp)
