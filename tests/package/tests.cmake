# Packaging test (label "package"): installs this build into a scratch prefix and builds and
# runs a separate consumer project against it with find_package(tabula), as a user would.
add_test(NAME package.find_package
         COMMAND ${CMAKE_COMMAND} "-DBUILD_DIR=${PROJECT_BINARY_DIR}"
                 "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/package"
                 "-DCONSUMER_DIR=${CMAKE_CURRENT_LIST_DIR}/consumer"
                 "-DGENERATOR=${CMAKE_GENERATOR}" "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
                 "-DCXX=${CMAKE_CXX_COMPILER}" "-DBUILD_TYPE=${CMAKE_BUILD_TYPE}"
                 -P ${CMAKE_CURRENT_LIST_DIR}/check.cmake)
set_tests_properties(package.find_package PROPERTIES LABELS "package"
                     TIMEOUT ${TABULA_TEST_TIMEOUT})
