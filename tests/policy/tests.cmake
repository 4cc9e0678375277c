# Policy engine suites driven by scripts: the differential test against @cloud-copilot/iam-simulate.
# Installs the pinned oracle into <source>/.oracle/ (npm; fails, never skips, without the registry),
# generates seeded random requests, and compares `tfkms simulate` with the oracle's decisions.
add_test(NAME policy_oracle_iam_simulate
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/oracle_test.py
                 --oracle-dir ${CMAKE_SOURCE_DIR}/.oracle --count 8000 --seed 20261123
                 --simulate $<TARGET_FILE:tfkms> simulate
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(policy_oracle_iam_simulate PROPERTIES LABELS "oracle" TIMEOUT 900)
