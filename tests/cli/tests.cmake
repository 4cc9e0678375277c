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
# Real repositories: directory scans, cloud assemblies, the deployment account, errors that teach.
add_test(NAME repository COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/repository_test.py $<TARGET_FILE:tfkms>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(repository PROPERTIES LABELS "integration;sanitize")
# Every example in `tfkms --help`, each command's --help and the README runs.
add_test(NAME documented_examples COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/examples_test.py
         $<TARGET_FILE:tfkms> WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(documented_examples PROPERTIES LABELS "integration")
# `tfkms version` names the commit; sources that are no git checkout (a release's source tarball)
# say "unknown", and a packager's -DTFKMS_COMMIT wins.
foreach(case "unknown;" "0123456789ab;0123456789ab")
  list(GET case 0 expected)
  list(GET case 1 given)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/build_commit_${expected}.cpp)
  add_test(NAME build_commit_${expected}
           COMMAND sh -c "\"$0\" -DGIT=git -DSOURCE_DIR=/ -DCOMMIT=$1 -DOUT=$2 -P $3 && cat $2"
                   ${CMAKE_COMMAND} "${given}" ${out} ${CMAKE_SOURCE_DIR}/cmake/BuildCommit.cmake)
  set_tests_properties(build_commit_${expected} PROPERTIES LABELS "integration"
                       PASS_REGULAR_EXPRESSION "return \"${expected}\";")
endforeach()
# Adopting tfkms in a repository with findings: baselines, suppressions, configuration discovery.
add_test(NAME cli_adoption COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/adoption_test.py $<TARGET_FILE:tfkms>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(cli_adoption PROPERTIES LABELS "integration")
# One account, many inputs: check, access and diff over one graph per account, and --separately.
add_test(NAME cli_account_graph
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/account_graph_test.py $<TARGET_FILE:tfkms>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(cli_account_graph PROPERTIES LABELS "integration")
