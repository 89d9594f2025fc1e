tabula_add_test(type_traits_test DRY ${CMAKE_CURRENT_LIST_DIR}/type_traits_test.cpp)
tabula_add_test(table_test DRY ${CMAKE_CURRENT_LIST_DIR}/table_test.cpp)
tabula_add_test(schema_time_types_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/time_types_test.cpp)
