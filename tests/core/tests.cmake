tabula_add_test(core_crud_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/crud_test.cpp)
tabula_add_test(core_errors_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/errors_test.cpp)
tabula_add_test(core_schema_names_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/schema_names_test.cpp)
tabula_add_test(core_float_values_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/float_values_test.cpp)
