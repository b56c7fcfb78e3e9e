# What `cmake --install` puts where, the CMake package for find_package(llmplan), and the
# Debian package made by CPack.
include(CMakePackageConfigHelpers)

set_target_properties(llmplan_core PROPERTIES EXPORT_NAME core)
set_target_properties(llmplan_yaml PROPERTIES EXPORT_NAME yaml)
set_target_properties(llmplan_warnings PROPERTIES EXPORT_NAME warnings)

install(TARGETS llmplan RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS llmplan_core llmplan_yaml llmplan_warnings
        EXPORT llmplanTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/llmplan DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/src/generated/llmplan/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/llmplan)
install(EXPORT llmplanTargets NAMESPACE llmplan:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/llmplan)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/llmplanConfig.cmake.in ${PROJECT_BINARY_DIR}/llmplanConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/llmplan)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/llmplanConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/llmplanConfig.cmake ${PROJECT_BINARY_DIR}/llmplanConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/llmplan)

# Generated at build time from the command definitions (src/CMakeLists.txt).
install(FILES ${PROJECT_BINARY_DIR}/llmplan.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/docs/getting-started.md ${PROJECT_SOURCE_DIR}/docs/profile.md ${PROJECT_SOURCE_DIR}/docs/cli.md
        ${PROJECT_SOURCE_DIR}/docs/rules.md DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)
install(FILES ${PROJECT_BINARY_DIR}/llmplan.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME llmplan)
install(FILES ${PROJECT_BINARY_DIR}/_llmplan DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_BINARY_DIR}/llmplan.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

set(CPACK_PACKAGE_NAME llmplan)
set(CPACK_PACKAGE_VENDOR "The llmplan authors")
set(CPACK_PACKAGE_CONTACT "The llmplan authors <llmplan@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
