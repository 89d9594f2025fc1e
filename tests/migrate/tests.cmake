tabula_add_test(migrate_diff_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/diff_test.cpp)
tabula_add_test(migrate_migrations_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/migrations_test.cpp)
tabula_add_test(migrate_cli_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/cli_test.cpp)
