# Driver layer: URL parsing and the registry (no database), and the drivers on every backend.
tabula_add_test(driver_url_test DRY ${CMAKE_CURRENT_LIST_DIR}/url_test.cpp)
tabula_add_test(driver_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/driver_test.cpp)
tabula_add_test(driver_sqlite_processes_test SQLITE ${CMAKE_CURRENT_LIST_DIR}/sqlite_processes_test.cpp)
tabula_add_test(driver_pointer_test DRY ${CMAKE_CURRENT_LIST_DIR}/pointer_test.cpp)
