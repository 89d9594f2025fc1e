# Registration of tabula's tests with CTest.
#
#   tabula_add_test(<name> DRY      <sources...>)  one CTest test, label "dry"
#   tabula_add_test(<name> BACKENDS <sources...>)  one executable, registered once per backend:
#       <name>.sqlite   label "sqlite"    TABULA_TEST_BACKEND=sqlite
#       <name>.postgres label "postgres"  TABULA_TEST_BACKEND=postgresql
#   tabula_add_test(<name> SQLITE   <sources...>)  registered for SQLite only
#   tabula_add_test(<name> POSTGRES <sources...>)  registered for PostgreSQL only
#
# A test case about one database's behaviour is tagged [sqlite] or [postgresql]; the other
# backend's run leaves it out (Catch's "~[tag]"), so it is neither run nor counted there.
#
# A postgres test finds its server through TABULA_TEST_PG_URL in the environment (set by
# scripts/test.sh after it started a throwaway cluster). Without it the test reports "skipped"
# (exit code 77) — unless CI=true, where it fails.
#
# Compile-fail tests are registered by tests/compile_fail/tests.cmake, one per snippet there.

# How long one test may run before CTest stops it, in seconds.
set(TABULA_TEST_TIMEOUT 600 CACHE STRING "Timeout of one tabula test, in seconds")

function(tabula_add_test name kind)
  set(sources ${ARGN})
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE tabula_test_main)
  tabula_set_warnings(${name})
  if(kind STREQUAL "DRY")
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "dry" TIMEOUT ${TABULA_TEST_TIMEOUT})
  elseif(kind STREQUAL "BACKENDS" OR kind STREQUAL "SQLITE" OR kind STREQUAL "POSTGRES")
    if(TARGET tabula_sqlite AND NOT kind STREQUAL "POSTGRES")
      add_test(NAME ${name}.sqlite COMMAND ${name} "~[postgresql]")
      set_tests_properties(${name}.sqlite PROPERTIES LABELS "sqlite" TIMEOUT ${TABULA_TEST_TIMEOUT}
                           ENVIRONMENT "TABULA_TEST_BACKEND=sqlite;TABULA_TEST_NAME=${name}")
    endif()
    if(TARGET tabula_postgres AND NOT kind STREQUAL "SQLITE")
      add_test(NAME ${name}.postgres COMMAND ${name} "~[sqlite]")
      set_tests_properties(${name}.postgres PROPERTIES LABELS "postgres" SKIP_RETURN_CODE 77
                           TIMEOUT ${TABULA_TEST_TIMEOUT}
                           ENVIRONMENT "TABULA_TEST_BACKEND=postgresql;TABULA_TEST_NAME=${name}")
    endif()
  else()
    message(FATAL_ERROR
            "tabula_add_test(${name}): kind must be DRY, BACKENDS, SQLITE or POSTGRES, not ${kind}")
  endif()
endfunction()
