# Runs one compile-fail test (cmake -P): compiles SOURCE with CXX, FLAGS, INCLUDES and DEFINES
# (lists joined by "|"; IMPLICIT_INCLUDES names the compiler's own) and passes only when the
# compilation fails with output matching the regex on the snippet's first line,
# `// expect: <regex>`.
foreach(var IN ITEMS CXX SOURCE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check.cmake: -D${var}=... is required")
  endif()
endforeach()

file(STRINGS ${SOURCE} first_line LIMIT_COUNT 1)
if(NOT first_line MATCHES "^// expect: (.+)$")
  message(FATAL_ERROR "${SOURCE}: the first line must be `// expect: <regex>`")
endif()
set(expect "${CMAKE_MATCH_1}")

separate_arguments(flags UNIX_COMMAND "${FLAGS}")
set(args ${flags} -fsyntax-only)
string(REPLACE "|" ";" includes "${INCLUDES}")
# Like CMake itself, leave out the compiler's own include directories: `-I/usr/include` would
# put it ahead of the C++ library's wrappers and break their #include_next.
list(REMOVE_ITEM includes ${IMPLICIT_INCLUDES})
foreach(dir IN LISTS includes)
  list(APPEND args -I${dir})
endforeach()
string(REPLACE "|" ";" defines "${DEFINES}")
foreach(def IN LISTS defines)
  list(APPEND args -D${def})
endforeach()

execute_process(COMMAND ${CXX} ${args} ${SOURCE} RESULT_VARIABLE result OUTPUT_VARIABLE output
                ERROR_VARIABLE output)
list(JOIN args " " shown_args)
set(command "${CXX} ${shown_args} ${SOURCE}")
if(result EQUAL 0)
  message(FATAL_ERROR "compiled, but must not:\n  ${command}\n"
                      "expected an error matching: ${expect}\n${output}")
endif()
# One diagnostic line must match: a regex spread over several lines could pair words from
# unrelated messages.
set(rest "${output}")
set(matched "")
while(NOT rest STREQUAL "" AND matched STREQUAL "")
  string(FIND "${rest}" "\n" end)
  if(end EQUAL -1)
    set(line "${rest}")
    set(rest "")
  else()
    string(SUBSTRING "${rest}" 0 ${end} line)
    math(EXPR end "${end} + 1")
    string(SUBSTRING "${rest}" ${end} -1 rest)
  endif()
  if(line MATCHES "${expect}")
    set(matched "${line}")
  endif()
endwhile()
if(matched STREQUAL "")
  message(FATAL_ERROR "failed to compile, but no line of the output matches: ${expect}\n"
                      "  ${command}\n--- compiler output ---\n${output}")
endif()
message(STATUS "does not compile, as expected: ${matched}")
