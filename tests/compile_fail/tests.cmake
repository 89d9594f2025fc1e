# Compile-fail tests: each tests/compile_fail/<name>.cpp is a snippet that must NOT compile. Its
# first line, `// expect: <regex>`, is what the compiler's output must match, so the test proves
# the snippet fails for the reason it is meant to (the message tabula gives its users), not for a
# typo. Test compile_fail.<name>, label "compile_fail"; the checking is done by check.cmake.

function(tabula_add_compile_fail_test source)
  get_filename_component(name ${source} NAME_WE)
  file(STRINGS ${source} first_line LIMIT_COUNT 1)
  if(NOT first_line MATCHES "^// expect: .")
    message(FATAL_ERROR "${source}: the first line must be `// expect: <regex>`, the regex the "
                        "compiler's output must match")
  endif()
  # Compiled the way a user's file is: with the include directories and definitions
  # tabula::tabula passes on to its users (transitively, Boost's too).
  set(includes "$<TARGET_PROPERTY:tabula,INTERFACE_INCLUDE_DIRECTORIES>")
  set(defines "$<TARGET_PROPERTY:tabula,INTERFACE_COMPILE_DEFINITIONS>")
  add_test(NAME compile_fail.${name}
           COMMAND ${CMAKE_COMMAND} "-DCXX=${CMAKE_CXX_COMPILER}"
                   "-DFLAGS=${CMAKE_CXX_FLAGS} ${CMAKE_CXX20_STANDARD_COMPILE_OPTION}"
                   "-DINCLUDES=$<JOIN:${includes},|>" "-DDEFINES=$<JOIN:${defines},|>"
                   "-DIMPLICIT_INCLUDES=${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES}"
                   "-DSOURCE=${source}" -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/check.cmake)
  set_tests_properties(compile_fail.${name} PROPERTIES LABELS "compile_fail"
                       TIMEOUT ${TABULA_TEST_TIMEOUT})
endfunction()

file(GLOB TABULA_COMPILE_FAIL_SNIPPETS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
foreach(snippet IN LISTS TABULA_COMPILE_FAIL_SNIPPETS)
  tabula_add_compile_fail_test(${snippet})
endforeach()
