# Replays every fuzz harness over its seed corpus and its regression inputs (past crashes), built with
# the regular compiler and no libFuzzer: fuzz/replay_main.cpp feeds the files to the harness.
include(${CMAKE_SOURCE_DIR}/fuzz/harnesses.cmake)
foreach(harness ${TFKMS_FUZZ_HARNESSES})
  add_executable(fuzz_replay_${harness} ${CMAKE_SOURCE_DIR}/fuzz/replay_main.cpp
                 ${CMAKE_SOURCE_DIR}/fuzz/${harness}_fuzzer.cpp)
  target_link_libraries(fuzz_replay_${harness} PRIVATE tfkms_core tfkms_warnings)
  set(replay_inputs ${CMAKE_SOURCE_DIR}/fuzz/corpus/${harness})
  if(EXISTS ${CMAKE_SOURCE_DIR}/fuzz/regressions/${harness})
    list(APPEND replay_inputs ${CMAKE_SOURCE_DIR}/fuzz/regressions/${harness})
  endif()
  add_test(NAME fuzz_replay_${harness} COMMAND fuzz_replay_${harness} ${replay_inputs})
  set_tests_properties(fuzz_replay_${harness} PROPERTIES LABELS "integration;sanitize" TIMEOUT 300)
endforeach()
