# `tfkms access`, `tfkms diff` and `tfkms check --diff` through the real binary: formats, exit codes.
add_test(NAME access_cli COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/access_cli_test.py $<TARGET_FILE:tfkms>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(access_cli PROPERTIES LABELS "integration;sanitize")

# Expanding the classes of principals in the access JSON gives the per-principal reports kept in
# tests/access/baseline/; the corpus sample only when the shared corpus is there.
add_test(NAME access_round_trip
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/round_trip_test.py
                 $<TARGET_FILE:tfkms> --corpus ${TFKMS_SHARED_DIR}
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(access_round_trip PROPERTIES LABELS "integration" TIMEOUT 1200)

# `tfkms diff` of the synthetic plans in a capped address space: memory must not grow with keys x
# principals.
add_test(NAME diff_memory
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/diff_memory_test.py
                 $<TARGET_FILE:tfkms>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(diff_memory PROPERTIES LABELS "integration" TIMEOUT 600)
