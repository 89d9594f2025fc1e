tabula_add_test(orm_session_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/session_test.cpp)
tabula_add_test(orm_session_faults_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/session_faults_test.cpp)
tabula_add_test(orm_relationships_test BACKENDS ${CMAKE_CURRENT_LIST_DIR}/relationships_test.cpp)
