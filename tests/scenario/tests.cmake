tabula_add_test(scenario_tracking_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/tracking_test.cpp)
tabula_add_test(scenario_analytics_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/analytics_test.cpp)
