# What users install: `cmake --install` into a temporary prefix, the .deb and .tar.gz from cpack
# (tools/package.sh), the release checksums (tools/checksums.sh); each installed tfkms runs the demo.
# Packages this build directory as it is: no extra build.
if(NOT TFKMS_SANITIZE AND NOT TFKMS_PORTABLE)
  add_test(NAME install_and_packages
           COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/install_test.py
                   --source-dir ${CMAKE_SOURCE_DIR} --build-dir ${CMAKE_BINARY_DIR})
  set_tests_properties(install_and_packages PROPERTIES LABELS "integration" TIMEOUT 900)
endif()
# The portable release tarball (tools/build-portable.sh): only glibc <= 2.35 needed, runs the demo.
# Its own Release build, once, in <build>/portable (tools/test.sh's only extra build).
if(NOT TFKMS_SANITIZE AND NOT TFKMS_PORTABLE)
  add_test(NAME portable_tarball
           COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/portable_test.py
                   --source-dir ${CMAKE_SOURCE_DIR} --build-dir ${CMAKE_BINARY_DIR}/portable)
  set_tests_properties(portable_tarball PROPERTIES LABELS "integration" TIMEOUT 3600)
endif()
