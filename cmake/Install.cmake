# `cmake --install` and `cpack`: bin/tfkms, its man page, the rule documents and licences under
# share/doc/tfkms/. cpack makes a .deb (Depends computed by dpkg-shlibdeps) and a .tar.gz; in a
# portable build (cmake/Portable.cmake) the tarball is the release's tfkms-VERSION-linux-ARCH.tar.gz.
# Installing installs what was built (cmake --build first): packaging a build does not compile the
# tests and benchmarks too (tools/package.sh builds tfkms and its man page).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
install(TARGETS tfkms RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/rules/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/rules FILES_MATCHING PATTERN "TFKMS*.md")
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/CHANGELOG.md ${CMAKE_SOURCE_DIR}/LICENSE
              ${CMAKE_SOURCE_DIR}/NOTICE DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/data/iam-data/LICENSE.txt DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME iam-data-LICENSE.txt)
# Debian's place for the licence of a package: share/doc/<package>/copyright (DEP-5).
configure_file(${CMAKE_SOURCE_DIR}/cmake/debian-copyright.in ${CMAKE_CURRENT_BINARY_DIR}/copyright @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The man page is made from `tfkms --help` (help2man), so it cannot drift from the program; what
# --help does not say (commands in detail, files, exit codes) comes from docs/tfkms.h2m.
find_program(HELP2MAN help2man)
if(HELP2MAN AND NOT TFKMS_SANITIZE AND NOT CMAKE_CROSSCOMPILING)
  set(man_page ${CMAKE_CURRENT_BINARY_DIR}/tfkms.1)
  add_custom_command(OUTPUT ${man_page}
    COMMAND ${HELP2MAN} --no-info --section=1 --version-string=${PROJECT_VERSION}
            "--name=${PROJECT_DESCRIPTION}" --include=${CMAKE_SOURCE_DIR}/docs/tfkms.h2m
            --output=${man_page} $<TARGET_FILE:tfkms>
    DEPENDS tfkms ${CMAKE_SOURCE_DIR}/docs/tfkms.h2m
    COMMENT "Writing the man page")
  add_custom_target(tfkms_man ALL DEPENDS ${man_page})
  install(FILES ${man_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "tfkms: no man page (help2man missing: apt-get install help2man)")
endif()

set(CPACK_PACKAGE_NAME tfkms)
set(CPACK_PACKAGE_VENDOR tfkms)
set(CPACK_PACKAGE_CONTACT "tfkms maintainers <tfkms@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "tfkms reads terraform show -json plans and CloudFormation templates (CDK
output included), evaluates key policies, IAM policies and grants with AWS's authorization
semantics, and reports who can use or manage each KMS key and the mistakes that open it.")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR TGZ DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
if(TFKMS_PORTABLE)
  string(TOLOWER "${CMAKE_SYSTEM_NAME}" system)
  set(CPACK_PACKAGE_FILE_NAME tfkms-${PROJECT_VERSION}-${system}-${CMAKE_SYSTEM_PROCESSOR})
  set(CPACK_GENERATOR TGZ)
endif()
include(CPack)
