# Command-line behaviour, driven through the real binary: exit codes, messages, formats.
add_test(NAME cli COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/cli_test.py $<TARGET_FILE:tfkms>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(cli PROPERTIES LABELS "integration;sanitize")
add_test(NAME quickstart_matches_ci COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/quickstart_test.py
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(quickstart_matches_ci PROPERTIES LABELS "integration")
# The Release binary allocates with mimalloc (CMakeLists.txt says why): fail if the linker dropped it.
if(NOT TFKMS_SANITIZE)
  add_test(NAME allocator_is_mimalloc COMMAND ${CMAKE_COMMAND} -E env MIMALLOC_VERBOSE=1 $<TARGET_FILE:tfkms> --version)
  set_tests_properties(allocator_is_mimalloc PROPERTIES LABELS "integration"
                       PASS_REGULAR_EXPRESSION "mimalloc: process init")
endif()
# Adopting tfkms in a repository with findings: baselines, suppressions, configuration discovery.
add_test(NAME cli_adoption COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/adoption_test.py $<TARGET_FILE:tfkms>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(cli_adoption PROPERTIES LABELS "integration")
