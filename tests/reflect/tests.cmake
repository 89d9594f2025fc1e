tabula_add_test(reflect_test DRY ${CMAKE_CURRENT_LIST_DIR}/reflect_test.cpp)
