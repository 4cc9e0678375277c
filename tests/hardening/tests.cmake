# Hostile inputs through `tfkms check`: never crash, never pass what cannot be read, limits, output
# escaping in every format. Runs in the sanitizer build too (tools/test.sh).
add_test(NAME hostile_check COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/hostile_check_test.py
         $<TARGET_FILE:tfkms> WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(hostile_check PROPERTIES LABELS "integration;sanitize" TIMEOUT 600)
