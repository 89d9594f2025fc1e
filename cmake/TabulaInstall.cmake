# install(EXPORT ...) and a package config, so a consumer's find_package(tabula) works.
# The include directory reaches consumers through tabula::tabula's INSTALL_INTERFACE (the
# drivers link it), so it is not repeated per target here.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/tabula DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ${TABULA_EXPORTED_TARGETS} EXPORT tabulaTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT tabulaTargets NAMESPACE tabula:: FILE tabulaTargets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tabula)

configure_package_config_file(cmake/tabulaConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/tabulaConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tabula)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tabulaConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tabulaConfig.cmake
              ${PROJECT_BINARY_DIR}/tabulaConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tabula)
