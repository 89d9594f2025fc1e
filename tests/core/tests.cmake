tabula_add_test(core_crud_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/crud_test.cpp)
tabula_add_test(core_errors_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/errors_test.cpp)
tabula_add_test(core_pool_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/pool_test.cpp)
tabula_add_test(core_threads_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/threads_test.cpp)
# Restarts the PostgreSQL server under test: nothing else may run meanwhile.
tabula_add_test(core_restart_test POSTGRES ${CMAKE_CURRENT_LIST_DIR}/restart_test.cpp)
if(TEST core_restart_test.postgres)
  set_tests_properties(core_restart_test.postgres PROPERTIES RUN_SERIAL ON)
endif()
