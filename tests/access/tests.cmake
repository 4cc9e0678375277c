# `tfkms access`, `tfkms diff` and `tfkms check --diff` through the real binary: formats, exit codes.
add_test(NAME access_cli COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/access_cli_test.py $<TARGET_FILE:tfkms>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(access_cli PROPERTIES LABELS "integration;sanitize")
