# tabula_check_headers(): proves every public header is self-contained.
#
# For each header under include/tabula (except the internals in detail/ folders, which are only
# ever reached through a public header) a translation unit is generated that includes that header
# alone, twice (the second inclusion proves the include guard). They are compiled into the OBJECT
# library `tabula_header_check` with the library's usage requirements and warnings, so a header
# that relies on something its includer happened to include first fails the build.
function(tabula_check_headers)
  set(include_root ${PROJECT_SOURCE_DIR}/include)
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS RELATIVE ${include_root}
       ${include_root}/tabula/*.hpp)
  list(FILTER headers EXCLUDE REGEX "(^|/)detail/")
  if(NOT TARGET nlohmann_json::nlohmann_json)
    list(FILTER headers EXCLUDE REGEX "^tabula/types/json\\.hpp$")
  endif()
  list(SORT headers)

  set(sources)
  foreach(header IN LISTS headers)
    string(REGEX REPLACE "\\.hpp$" ".cpp" source ${header})
    set(source ${PROJECT_BINARY_DIR}/header_check/${source})
    # file(CONFIGURE) rewrites the file only when its content changes: no needless rebuilds.
    file(CONFIGURE OUTPUT ${source}
         CONTENT "#include <${header}>\n#include <${header}>  // include guard\n" @ONLY)
    list(APPEND sources ${source})
  endforeach()

  if(NOT sources)
    message(FATAL_ERROR "tabula_check_headers: no headers found under ${include_root}/tabula")
  endif()
  add_library(tabula_header_check OBJECT ${sources})
  target_link_libraries(tabula_header_check PRIVATE tabula)
  if(TARGET nlohmann_json::nlohmann_json)
    target_link_libraries(tabula_header_check PRIVATE nlohmann_json::nlohmann_json)
  endif()
  tabula_set_warnings(tabula_header_check)
  list(LENGTH sources count)
  message(STATUS "tabula: checking ${count} public headers for self-containment")

  # Beyond compiling alone: a small use of each entry header a program includes by itself —
  # engine, connection, session, query, the drivers — with nothing else included.
  file(GLOB uses CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/headers/*_use.cpp)
  if(NOT TARGET tabula_sqlite)
    list(FILTER uses EXCLUDE REGEX "sqlite_use")
  endif()
  if(NOT TARGET tabula_postgres)
    list(FILTER uses EXCLUDE REGEX "postgres_use")
  endif()
  add_library(tabula_header_use OBJECT ${uses})
  target_link_libraries(tabula_header_use PRIVATE tabula)
  foreach(driver tabula_sqlite tabula_postgres)
    if(TARGET ${driver})
      target_link_libraries(tabula_header_use PRIVATE ${driver})
    endif()
  endforeach()
  tabula_set_warnings(tabula_header_use)
endfunction()
