tabula_add_test(migrate_diff_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/diff_test.cpp)
tabula_add_test(migrate_migrations_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/migrations_test.cpp)
tabula_add_test(migrate_cli_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/cli_test.cpp)
# Compiles and runs the models it generates: the compiler, include path and libraries to link.
tabula_add_test(migrate_codegen_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/codegen_test.cpp)
set(tabula_codegen_link "$<TARGET_FILE:tabula> -lfmt")
if(TARGET tabula_sqlite)
  set(tabula_codegen_link "$<TARGET_FILE:tabula_sqlite> ${tabula_codegen_link} -lsqlite3")
endif()
if(TARGET tabula_postgres)
  set(tabula_codegen_link "$<TARGET_FILE:tabula_postgres> ${tabula_codegen_link} -lpq")
endif()
target_compile_definitions(migrate_codegen_test PRIVATE
  TABULA_TEST_CXX="${CMAKE_CXX_COMPILER}"
  TABULA_TEST_INCLUDE="${PROJECT_SOURCE_DIR}/include"
  TABULA_TEST_LINK="${tabula_codegen_link}")
