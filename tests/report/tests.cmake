# SARIF validation with Microsoft's SARIF multitool (the rules GitHub code scanning applies on
# upload). tfkms_sarif_samples writes SARIF for representative, clean, hostile, categorised and
# oversized reports; sarif_multitool_test.py installs the pinned multitool into <source>/.oracle/
# and requires zero errors from `validate --rule-kind "Gh;Sarif"` on each, and on what
# `tfkms check --format sarif` writes for fixtures/ (all of it, the demo with its .tf files, and an
# unreadable input). More SARIF files can be appended to the command line.
add_executable(tfkms_sarif_samples ${CMAKE_CURRENT_LIST_DIR}/sarif_samples.cpp)
target_include_directories(tfkms_sarif_samples PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(tfkms_sarif_samples PRIVATE tfkms_core tfkms_warnings)

add_test(NAME sarif_multitool
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/sarif_multitool_test.py
                 --source-dir ${CMAKE_SOURCE_DIR} --samples $<TARGET_FILE:tfkms_sarif_samples>
                 --work-dir ${CMAKE_CURRENT_BINARY_DIR}/sarif_samples --tfkms $<TARGET_FILE:tfkms>)
set_tests_properties(sarif_multitool PROPERTIES LABELS "oracle" TIMEOUT 900)

# Fingerprints stay when lines move: a blank line above a resource, in a .tf behind a plan and in YAML
# and JSON templates, keeps every SARIF partialFingerprint.
add_test(NAME sarif_fingerprints COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/sarif_fingerprint_test.py
         $<TARGET_FILE:tfkms> WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(sarif_fingerprints PROPERTIES LABELS "integration;sanitize")

# JUnit XML (against tests/report/junit.xsd, with xmllint) and GitLab SAST (the schema's required
# fields) written for the fixtures.
add_test(NAME ci_formats COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/ci_formats_test.py
         $<TARGET_FILE:tfkms> WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(ci_formats PROPERTIES LABELS "integration")
