tabula_add_test(query_expression_test DRY ${CMAKE_CURRENT_LIST_DIR}/expression_test.cpp)
tabula_add_test(query_dynamic_filter_test DRY ${CMAKE_CURRENT_LIST_DIR}/dynamic_filter_test.cpp)
tabula_add_test(query_raw_placeholder_test DRY ${CMAKE_CURRENT_LIST_DIR}/raw_placeholder_test.cpp)
tabula_add_test(query_select_stream_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/select_stream_test.cpp)
