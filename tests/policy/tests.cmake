# Policy engine suites driven by scripts: the differential test against @cloud-copilot/iam-simulate.
add_executable(tfkms_simulate_driver ${CMAKE_CURRENT_LIST_DIR}/simulate_driver.cpp)
target_link_libraries(tfkms_simulate_driver PRIVATE tfkms_core tfkms_warnings)

# Installs the pinned oracle into <source>/.oracle/ (npm; fails, never skips, without the registry),
# generates seeded random requests, and compares tfkms's decisions with the oracle's.
add_test(NAME policy_oracle_iam_simulate
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/oracle_test.py
                 --simulate $<TARGET_FILE:tfkms_simulate_driver>
                 --oracle-dir ${CMAKE_SOURCE_DIR}/.oracle --count 4000 --seed 20261123
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(policy_oracle_iam_simulate PROPERTIES LABELS "oracle" TIMEOUT 900)
